import { describe, expect, it } from 'vitest';
import { routeSpecs } from './route-specs.js';
import { type RouteName, routes } from './routes.js';

const names = Object.keys(routes) as RouteName[];

describe('routeSpecs', () => {
  it('has exactly the routes of the route table, in its order', () => {
    expect(Object.keys(routeSpecs)).toEqual(names);
  });

  it.each(names)('%s has the wire facts of its route, and nothing else', (name) => {
    const { request: _request, response: _response, ...facts } = routes[name];
    expect(routeSpecs[name]).toEqual(facts);
    expect(Object.keys(routeSpecs[name]).sort()).toEqual(Object.keys(facts).sort());
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
