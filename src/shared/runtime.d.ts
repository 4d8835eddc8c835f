/**
 * The few globals src/shared uses that every runtime Loupe runs in has (Chromium, Node, a worker),
 * declared structurally: src/shared is type-checked with neither the DOM's types nor Node's
 * (tsconfig.shared.json), and the renderer and main programs see their own full declarations.
 */
declare global {
  var crypto: { getRandomValues<T extends Uint8Array>(array: T): T };
  function structuredClone<T>(value: T): T;
  function btoa(data: string): string;
  function atob(data: string): string;
}

export {};
