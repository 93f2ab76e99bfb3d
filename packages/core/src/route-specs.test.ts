import { describe, expect, it } from 'vitest';
import { routeSpecs } from './route-specs.js';
import { type RouteDefinition, type RouteName, routes } from './routes.js';

const names = Object.keys(routes) as RouteName[];

describe('routeSpecs', () => {
  it('has exactly the routes of the route table, in its order', () => {
    expect(Object.keys(routeSpecs)).toEqual(names);
  });

  it.each(names)('%s is its route without who may call and the schemas', (name) => {
    const {
      request: _request,
      response: _response,
      auth,
      bearer: _bearer,
      native: _native,
      ...facts
    }: RouteDefinition = routes[name];
    expect(routeSpecs[name]).toEqual(facts);
    expect(['public', 'session', 'elevated', 'enrol', 'pairing']).toContain(auth);
  });

  it('carries nothing a client does not need to call a route', () => {
    const allowed = new Set(['method', 'path', 'absolute', 'status', 'stream']);
    for (const spec of Object.values(routeSpecs)) {
      for (const key of Object.keys(spec)) expect(allowed).toContain(key);
    }
  });

  it.each(names)('%s takes a JSON body exactly when its method is not GET or DELETE', (name) => {
    const { method } = routeSpecs[name];
    expect(routes[name].request !== null).toBe(method !== 'GET' && method !== 'DELETE');
  });

  it('holds no schema', () => {
    for (const spec of Object.values(routeSpecs)) {
      for (const value of Object.values(spec)) expect(typeof value).not.toBe('object');
    }
  });
});
