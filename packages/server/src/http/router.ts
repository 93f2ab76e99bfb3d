import { type RouteDefinition, type RouteName, routes } from '@latchkey/core';

interface CompiledRoute {
  name: RouteName;
  def: RouteDefinition;
  pattern: RegExp;
  params: string[];
}

export type RouteMatch =
  | { kind: 'found'; name: RouteName; def: RouteDefinition; params: Record<string, string> }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

/** Matches paths against the route table; built once per `createLatchkey`. */
export function createRouter(basePath: string): (method: string, pathname: string) => RouteMatch {
  const compiled: CompiledRoute[] = (Object.keys(routes) as RouteName[]).map((name) => {
    const def: RouteDefinition = routes[name];
    const params: string[] = [];
    const full = (def.absolute ? '' : basePath) + def.path;
    const source = full
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          params.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { name, def, pattern: new RegExp(`^${source}/?$`), params };
  });
  // Literal segments win over parameters: `/pairing/lookup` is not `/pairing/:pairingId`.
  compiled.sort((a, b) => a.params.length - b.params.length);

  return (method, pathname) => {
    const allow: string[] = [];
    for (const route of compiled) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      if (route.def.method !== method) {
        allow.push(route.def.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.params.forEach((name, i) => {
        params[name] = match[i + 1]!;
      });
      return { kind: 'found', name: route.name, def: route.def, params };
    }
    return allow.length ? { kind: 'method', allow } : { kind: 'none' };
  };
}
