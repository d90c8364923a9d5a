/** Who is reading: the read rule lists push this into the query instead of filtering rows afterwards. */
export type Viewer =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'admin'; readonly userId?: string };
