'use client';
import type { DeviceKeyStore } from './device-key-store.js';

export interface IndexedDbDeviceKeyStoreOptions {
  /** The IndexedDB database (default `latchkey`). */
  database?: string;
  /** The record's key inside it (default `pop`): one device key per origin. */
  name?: string;
}

const OBJECT_STORE = 'device-keys';

/**
 * A device key store in IndexedDB, one pair per origin (IndexedDB is
 * partitioned by origin). The private key is stored as a non-extractable
 * `CryptoKey` object: script on the page may use it to sign but cannot read it,
 * and a copied cookie is useless on any other browser.
 *
 * @example
 * const extension = lockedSessions({ keyStore: indexedDbDeviceKeyStore({ database: 'my-app' }) });
 */
export function indexedDbDeviceKeyStore(
  options: IndexedDbDeviceKeyStoreOptions = {},
): DeviceKeyStore {
  const database = options.database ?? 'latchkey';
  const name = options.name ?? 'pop';

  function open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(new TypeError('indexedDbDeviceKeyStore: this runtime has no IndexedDB'));
        return;
      }
      const request = indexedDB.open(database, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(OBJECT_STORE))
          request.result.createObjectStore(OBJECT_STORE);
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the database must not wait on this connection.
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () =>
        reject(new Error(`IndexedDB ${database} is blocked by another tab`));
    });
  }

  /** Runs `work` in one transaction and resolves once it committed. */
  async function transact<T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore, done: (value: T) => void) => void,
  ): Promise<T> {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(OBJECT_STORE, mode);
        let value: T;
        tx.oncomplete = () => resolve(value);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
        work(tx.objectStore(OBJECT_STORE), (v) => {
          value = v;
        });
      });
    } finally {
      db.close();
    }
  }

  return {
    get() {
      return transact<CryptoKeyPair | undefined>('readonly', (store, done) => {
        const request = store.get(name);
        request.onsuccess = () => done(asPair(request.result));
      });
    },
    add(pair) {
      // One readwrite transaction: IndexedDB runs overlapping readwrite transactions
      // on a store one after the other, so "read, then add if absent" is atomic.
      return transact<CryptoKeyPair>('readwrite', (store, done) => {
        const request = store.get(name);
        request.onsuccess = () => {
          const existing = asPair(request.result);
          if (existing) return done(existing);
          store.add({ publicKey: pair.publicKey, privateKey: pair.privateKey }, name);
          done(pair);
        };
      });
    },
    delete() {
      return transact<void>('readwrite', (store, done) => {
        store.delete(name);
        done(undefined);
      });
    },
  };
}

function asPair(value: unknown): CryptoKeyPair | undefined {
  const record = value as Partial<CryptoKeyPair> | undefined;
  return record?.publicKey && record.privateKey
    ? { publicKey: record.publicKey, privateKey: record.privateKey }
    : undefined;
}
