import { describe, expect, it } from "vitest";
import { valueSegments, type PersonValue } from "./value";

describe("valueSegments", () => {
  const people: PersonValue[] = Array.from({ length: 10 }, (_, i) => ({
    personId: `p${i}`, revenue: (i + 1) * 100, orders: i < 5 ? 1 : 2, channels: i === 9 ? ["email", "email", "store"] : ["web"], stage: "decision",
  }));
  people.push({ personId: "free", revenue: 0, orders: 0, channels: ["social"], stage: "discovery" });

  it("takes the top decile of paying people by revenue", () => {
    const s = valueSegments(people, { by: "revenue", top: 0.1 });
    expect(s.threshold).toBe(1000);
    expect(s.segment).toMatchObject({ people: 1, revenue: 1000, orders: 2, paths: [{ steps: ["email", "store"], people: 1, share: 1 }] });
    expect(s.rest.people).toBe(10);
  });
  it("or everyone over a threshold", () => {
    expect(valueSegments(people, { by: "revenue", min: 800 }).segment.people).toBe(3);
    expect(valueSegments(people, { by: "orders", min: 2 }).segment.people).toBe(5);
  });
});
