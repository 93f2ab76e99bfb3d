/**
 * Wraps a `LatchkeyStore` so a profiling pass can see how much of a request is
 * spent inside the store and which calls it makes. While `profiling` is false the
 * wrapper hands out the store's own methods, so measured batches pay nothing for it.
 * Overlapping calls are counted once (wall time inside the store, not a sum).
 *
 * @example
 * const timed = timedStore(memoryStore());
 * timed.profiling = true;
 * await latchkey.handler(request);
 * const { storeMs, calls } = timed.take(); // e.g. 0.04, [{ name: 'getSessionBySecretHash', ms: 0.02 }, …]
 */
export function timedStore(store) {
  let depth = 0;
  let enteredAt = 0;
  let storeMs = 0;
  let calls = [];
  const control = {
    profiling: false,
    take() {
      const taken = { storeMs, calls };
      storeMs = 0;
      calls = [];
      return taken;
    },
  };
  const bound = new Map();
  const wrapped = new Map();

  function timed(name, method) {
    return function timedMethod(...args) {
      const call = { name, ms: 0 };
      calls.push(call);
      const started = performance.now();
      if (depth++ === 0) enteredAt = started;
      const leave = () => {
        const now = performance.now();
        call.ms = now - started;
        if (--depth === 0) storeMs += now - enteredAt;
      };
      let result;
      try {
        result = method.apply(store, args);
      } catch (error) {
        leave();
        throw error;
      }
      return Promise.resolve(result).finally(leave);
    };
  }

  return new Proxy(store, {
    get(target, property) {
      if (property === 'profiling' || property === 'take') return control[property];
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (!control.profiling) {
        let method = bound.get(property);
        if (!method) {
          method = value.bind(target);
          bound.set(property, method);
        }
        return method;
      }
      let method = wrapped.get(property);
      if (!method) {
        method = timed(String(property), value);
        wrapped.set(property, method);
      }
      return method;
    },
    set(target, property, value) {
      if (property === 'profiling') {
        control.profiling = Boolean(value);
        return true;
      }
      return Reflect.set(target, property, value);
    },
  });
}
