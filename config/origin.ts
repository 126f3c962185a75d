/** Where a setting's value came from, so an error can point at the place to fix. */
export type Origin =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string };

export function formatOrigin(origin: Origin): string {
  return origin.kind === 'file' ? `from file ${origin.path}` : `from env ${origin.name}`;
}
