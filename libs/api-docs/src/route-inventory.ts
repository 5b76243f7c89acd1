import 'reflect-metadata';
import { type DynamicModule, type ForwardReference, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

/** A route a Nest module tree mounts, keyed as the OpenAPI document keys operations. */
export interface DeclaredRoute {
  /** `METHOD /path/{param}` */
  key: string;
  /** the handler takes the request body (`@Body()` or `@RawBody()`) */
  takesBody: boolean;
}

type ModuleRef = Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

/** `:param` → `{param}`, one slash between parts, none at the end. */
function routePath(...parts: string[]): string {
  const joined = `/${parts.filter((part) => part !== '').join('/')}`.replace(/\/+/g, '/');
  const trimmed = joined.length > 1 ? joined.replace(/\/$/, '') : joined;
  return trimmed.replace(/:(\w+)/g, '{$1}');
}

function pathsOf(target: object): string[] {
  const path = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  return path === undefined ? [] : Array.isArray(path) ? path : [path];
}

function handlerNames(controller: Type<unknown>): string[] {
  const names = new Set<string>();
  for (let proto = controller.prototype as object | null; proto && proto !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor') names.add(name);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return [...names];
}

function takesBody(controller: Type<unknown>, handler: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, unknown>;
  const body = [RouteParamtypes.BODY, RouteParamtypes.RAW_BODY].map(String);
  return Object.keys(args).some((key) => body.includes(key.split(':')[0] ?? ''));
}

function controllerRoutes(controller: Type<unknown>): DeclaredRoute[] {
  const prefixes = pathsOf(controller);
  return handlerNames(controller).flatMap((name) => {
    const handler = (controller.prototype as Record<string, unknown>)[name];
    if (typeof handler !== 'function') return [];
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    const paths = pathsOf(handler);
    if (method === undefined || paths.length === 0) return [];
    return (prefixes.length > 0 ? prefixes : ['']).flatMap((prefix) =>
      paths.map((path) => ({
        key: `${RequestMethod[method]} ${routePath(prefix, path)}`,
        takesBody: takesBody(controller, name),
      })),
    );
  });
}

/**
 * Pure (reads decorator metadata only, instantiates nothing): every route the controllers of a Nest
 * module tree declare, imports and dynamic modules followed, sorted by key. Routes mounted outside
 * Nest's router (e.g. the lean queue route on node:http) are not in it.
 */
export function declaredRoutes(...roots: ModuleRef[]): DeclaredRoute[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Type<unknown>>();
  const visit = (ref: ModuleRef): void => {
    if (ref === undefined || ref instanceof Promise || seen.has(ref)) return;
    seen.add(ref);
    if ('forwardRef' in ref) return visit(ref.forwardRef() as ModuleRef);
    const dynamic = 'module' in ref ? ref : undefined;
    const moduleClass = dynamic ? dynamic.module : (ref as Type<unknown>);
    const metadata = (key: string) => (Reflect.getMetadata(key, moduleClass) ?? []) as unknown[];
    for (const controller of [...metadata(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])])
      controllers.add(controller as Type<unknown>);
    for (const imported of [...metadata(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])])
      visit(imported as ModuleRef);
    if (dynamic) visit(moduleClass);
  };
  for (const root of roots) visit(root);
  return [...controllers].flatMap(controllerRoutes).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
