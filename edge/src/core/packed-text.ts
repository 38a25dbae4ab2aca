// A dense text form for the rows the journey store keeps by the hundred million (core/person-state,
// core/journey-pack): whole numbers as printable variable-length digits, with no separators, and
// strings as their length then their characters. A time gap of 28 s takes 3 characters where JSON
// took 6 ("28000,"), a small number 1 where JSON took 2 or 3. Text, not a blob: D1 returns text to
// JavaScript as it is, and the rows travel inside JSON (json_each) on their way in. Pure.

// 91 printable ASCII characters ("#" to "~" without "\"): none needs escaping in JSON. A number's
// last digit is one of the first FINAL of them, every digit before it one of the others, so a
// reader knows where each number ends.
const DIGITS = Array.from({ length: 0x7f - 0x23 }, (_, i) => String.fromCharCode(0x23 + i)).filter((c) => c !== "\\").join("");
const FINAL = 45;
const MORE = DIGITS.length - FINAL;
/** Digit value by character code (-1: not a digit). */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/** Writes numbers and strings one after another; `text()` is the row. */
export class TextWriter {
  private out = "";

  /** A whole number >= 0 (up to 2^53). */
  uint(n: number): this {
    if (n < FINAL && n >= 0 && Number.isInteger(n)) {
      this.out += DIGITS[n];
      return this;
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole number >= 0: ${n}`);
    let digits = DIGITS[n % FINAL];
    // The digits before the last one: bijective base MORE, so each number has one spelling.
    for (let q = Math.floor(n / FINAL); q > 0; q = Math.floor((q - 1) / MORE)) digits = DIGITS[FINAL + ((q - 1) % MORE)] + digits;
    this.out += digits;
    return this;
  }

  /** A whole number of either sign, -2^52 to 2^52 - 1 (zigzag: 0, -1, 1, -2... as 0, 1, 2, 3...). */
  int(n: number): this {
    return this.uint(n < 0 ? -2 * n - 1 : 2 * n);
  }

  str(s: string): this {
    return this.uint(s.length).raw(s);
  }

  /** Characters as they are (the reader is told how many). */
  raw(s: string): this {
    this.out += s;
    return this;
  }

  /** Any finite number, as its shortest decimal spelling (which reads back exactly). */
  num(n: number): this {
    return this.str(String(n));
  }

  text(): string {
    return this.out;
  }
}

/** Reads what a TextWriter wrote, in the same order, from `at`. */
export class TextReader {
  constructor(private readonly s: string, private at = 0) {}

  uint(): number {
    let n = 0;
    for (;;) {
      const c = this.s.charCodeAt(this.at++);
      const d = c < 128 ? VALUE[c] : -1;
      if (d < 0) throw new SyntaxError(`bad packed text at ${this.at - 1}`);
      if (d < FINAL) return n * FINAL + d;
      n = n * MORE + (d - FINAL) + 1;
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 ? -(z + 1) / 2 : z / 2;
  }

  str(): string {
    return this.raw(this.uint());
  }

  raw(n: number): string {
    const s = this.s.slice(this.at, this.at + n);
    if (s.length !== n) throw new SyntaxError("packed text ends inside a string");
    this.at += n;
    return s;
  }

  num(): number {
    return Number(this.str());
  }

  get done(): boolean {
    return this.at >= this.s.length;
  }
}

