import { getModel } from "./registry.js";

/**
 * The built-in style ids, in registry order. test/core/style-id.test.ts keeps this list equal
 * to the styles of models/registry.json.
 */
export const BUILTIN_STYLE_IDS = ["hayao", "shinkai", "cute", "hayao-v2", "cartoongan-paprika", "cartoongan-shinkai", "whitebox"] as const;

/** A built-in style id. */
export type BuiltinStyleId = (typeof BUILTIN_STYLE_IDS)[number];

/**
 * Your own style ids, typed by declaration merging:
 * `declare module "anime2d" { interface CustomStyleIds { "my-style": true } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CustomStyleIds {}

declare const registered: unique symbol;
/** An id checked against the registry at run time (from {@link styleId}, `registerStyle()` or `listStyles()`). */
export type RegisteredStyleId = string & { readonly [registered]: true };

/**
 * A style id: a built-in one (so a typo such as `"hayaoo"` fails to compile), one declared in
 * {@link CustomStyleIds}, or a {@link RegisteredStyleId}.
 */
export type StyleId = BuiltinStyleId | Extract<keyof CustomStyleIds, string> | RegisteredStyleId;

/**
 * Checks a string from outside the program (a CLI flag, a request body) against the registry
 * and returns it as a {@link StyleId}; `UNKNOWN_STYLE` lists the registered ids otherwise.
 */
export function styleId(id: string): StyleId {
  return getModel(id, "style").id as StyleId;
}
