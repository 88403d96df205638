// Type declarations for the parts of koa-router 14 that mlgate uses (the package ships none).
declare module 'koa-router' {
  import type { DefaultContext, DefaultState, Middleware } from 'koa';

  export interface RouterOptions {
    readonly prefix?: string;
    readonly sensitive?: boolean;
    readonly strict?: boolean;
  }

  export default class Router<StateT = DefaultState, ContextT = DefaultContext> {
    constructor(options?: RouterOptions);
    get(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    post(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    put(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    patch(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    delete(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    all(path: string, ...middleware: Middleware<StateT, ContextT>[]): this;
    routes(): Middleware<StateT, ContextT>;
    /** The layers whose path matches (`path`), and those that also match the method (`route` true when one does). */
    match(path: string, method: string): { readonly path: readonly unknown[]; readonly route: boolean };
    allowedMethods(): Middleware<StateT, ContextT>;
  }
}
