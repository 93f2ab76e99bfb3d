import { describe, expect, it } from 'vitest';
import { concatBytes, encodeCbor } from './cbor.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('encodeCbor', () => {
  // Vectors from RFC 8949 Appendix A.
  it.each([
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [{}, 'a0'],
  ])('encodes %j as %s', (value, expected) => {
    expect(hex(encodeCbor(value))).toBe(expected);
  });

  it('encodes byte strings with their length', () => {
    expect(hex(encodeCbor(new Uint8Array()))).toBe('40');
    expect(hex(encodeCbor(Uint8Array.of(1, 2, 3, 4)))).toBe('4401020304');
    expect(hex(encodeCbor(new Uint8Array(32)).subarray(0, 2))).toBe('5820');
    expect(hex(encodeCbor(new Uint8Array(300)).subarray(0, 3))).toBe('59012c');
  });

  it('encodes a 25-element array with a one-byte length', () => {
    const items = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(hex(encodeCbor(items))).toBe(
      '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
    );
  });

  it('writes map keys in CTAP2 canonical order, whatever the insertion order', () => {
    // RFC 8949 Appendix A: {1: 2, 3: 4} is a201020304.
    expect(
      hex(
        encodeCbor(
          new Map([
            [3, 4],
            [1, 2],
          ]),
        ),
      ),
    ).toBe('a201020304');
    // An ES256 COSE key: 1, 3, then -1, -2, -3 (unsigned before negative).
    const cose = encodeCbor(
      new Map<number, number | Uint8Array>([
        [-3, Uint8Array.of(9)],
        [-1, 1],
        [3, -7],
        [-2, Uint8Array.of(8)],
        [1, 2],
      ]),
    );
    expect(hex(cose)).toBe('a5010203262001214108224109');
    // Text keys: shorter first, then bytewise; the attestation object order.
    expect(hex(encodeCbor({ authData: new Uint8Array(), attStmt: {}, fmt: 'none' }))).toBe(
      `a3${'63666d74'}${'646e6f6e65'}${'6761747453746d74'}a0${'68617574684461746140'}`,
    );
  });

  it('refuses numbers it cannot write as integers', () => {
    expect(() => encodeCbor(1.5)).toThrow(TypeError);
    expect(() => encodeCbor(2 ** 53)).toThrow(TypeError);
  });
});

describe('concatBytes', () => {
  it('joins in order', () => {
    expect([...concatBytes([Uint8Array.of(1), new Uint8Array(), Uint8Array.of(2, 3)])]).toEqual([
      1, 2, 3,
    ]);
  });
});
