import { describe, expect, it } from "vitest";
import registry from "../../models/registry.json";
import { BUILTIN_STYLE_IDS, styleId } from "../../packages/core/src/style-id.js";
import { isAnime2dError } from "../../packages/core/src/errors.js";

describe("style ids", () => {
  it("the typed built-in union lists exactly the registry's styles, in order", () => {
    const fromRegistry = registry.models.filter((m) => m.kind === "style").map((m) => m.id);
    expect([...BUILTIN_STYLE_IDS]).toEqual(fromRegistry);
  });

  it("styleId() accepts registered ids and refuses others with UNKNOWN_STYLE", () => {
    expect(styleId("whitebox")).toBe("whitebox");
    let error: unknown;
    try {
      styleId("hayaoo");
    } catch (e) {
      error = e;
    }
    expect(isAnime2dError(error, "UNKNOWN_STYLE")).toBe(true);
    expect((error as Error).message).toMatch(/hayao, shinkai/);
  });
});
