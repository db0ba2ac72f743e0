import { describe, expect, it } from "vitest";
import { highlight } from "./highlight";

describe("highlight", () => {
  it("marks every term, case-insensitively", () => {
    expect(highlight("Red shoes and red hats", "red")).toEqual([
      { text: "Red", match: true },
      { text: " shoes and ", match: false },
      { text: "red", match: true },
      { text: " hats", match: false },
    ]);
  });

  it("ignores one-letter terms and escapes regex characters", () => {
    expect(highlight("c++ (guide)", "c++ a")).toEqual([
      { text: "c++", match: true },
      { text: " (guide)", match: false },
    ]);
  });

  it("returns the text unmarked for an empty query", () => {
    expect(highlight("anything", "  ")).toEqual([{ text: "anything", match: false }]);
  });
});
