/** Raw forms produced by the reader: EDN data with source positions, before any meaning is given. */
import type { SourcePos } from '../errors.ts';

export type Form =
  | { readonly kind: 'list'; readonly items: readonly Form[]; readonly pos: SourcePos }
  | { readonly kind: 'vector'; readonly items: readonly Form[]; readonly pos: SourcePos }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Form, Form])[]; readonly pos: SourcePos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: SourcePos }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: SourcePos }
  | { readonly kind: 'keyword'; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'symbol'; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: SourcePos }
  | { readonly kind: 'nil'; readonly pos: SourcePos };

/** A short human description of a form's kind, for error messages. */
export function describeForm(f: Form): string {
  switch (f.kind) {
    case 'list':
      return f.items[0]?.kind === 'symbol' ? `(${f.items[0].name} ...)` : 'a list';
    case 'vector':
      return 'a vector';
    case 'map':
      return 'a map';
    case 'string':
      return `the string "${f.value.length > 30 ? `${f.value.slice(0, 30)}...` : f.value}"`;
    case 'number':
      return `the number ${f.text}`;
    case 'keyword':
      return `the keyword :${f.name}`;
    case 'symbol':
      return `the symbol ${f.name}`;
    case 'bool':
      return String(f.value);
    case 'nil':
      return 'nil';
  }
}
