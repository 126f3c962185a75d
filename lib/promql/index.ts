/** Typed PromQL built from catalog entries, shared by dashboards and rules. */
export * from './aggregate.ts';
export * from './expr.ts';
export * from './functions.ts';
export * from './matchers.ts';
export * from './numbers.ts';
export * from './operators.ts';
export * from './parse.ts';
export * from './scope.ts';
export * from './selectors.ts';
export * from './series.ts';
export * from './window.ts';
