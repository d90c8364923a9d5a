/** Who holds a namespace: a user or a team. */
export const NAMESPACE_KINDS = ['user', 'team'] as const;
export type NamespaceKind = (typeof NAMESPACE_KINDS)[number];

/** A name in the shared namespace space, held by exactly one user or one team. */
export type Namespace =
  | { readonly name: string; readonly kind: 'user'; readonly userId: string }
  | { readonly name: string; readonly kind: 'team'; readonly teamId: string };
