/**
 * Gives meaning to forms: checks every operator, arity, window and ticker, and builds the typed tree
 * with canonical ids (see ast.ts). Every error is a {@link StrategySemanticError} at the offending form.
 */
import { type SourcePos, StrategySemanticError } from '../errors.ts';
import { INDICATOR_NAMES, type IndicatorName } from '../indicators/index.ts';
import type {
  Comparison,
  ComparisonOp,
  FilterNode,
  Metric,
  Strategy,
  StrategyNode,
  StrategySettings,
  ValueExpr,
} from './ast.ts';
import { describeForm, type Form } from './forms.ts';

const COMPARISONS: readonly string[] = ['>', '<', '>=', '<=', '='];
const NODE_OPERATORS: readonly string[] = [
  'asset',
  'group',
  'weight-equal',
  'weight-specified',
  'weight-inverse-volatility',
  'weight-inverse-vol',
  'if',
  'filter',
];
const TICKER_RE = /^[A-Z0-9][A-Z0-9./-]*$/;
const FREQUENCIES: readonly string[] = ['none', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'];

type ListForm = Extract<Form, { kind: 'list' }>;

const err = (pos: SourcePos, msg: string): never => {
  throw new StrategySemanticError(pos, msg);
};

/** Interns structural keys to small integers: equal keys ⇒ equal semantics. */
class Interner {
  private readonly ids = new Map<string, number>();
  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
    }
    return id;
  }
  get size(): number {
    return this.ids.size;
  }
}

/** Compile the top-level forms of one file into a {@link Strategy}. */
export function compileStrategy(forms: readonly Form[], file: string): Strategy {
  const first = forms[0];
  if (!first)
    return err({ file, line: 1, col: 1 }, 'empty file: expected (defsymphony "name" {config} body)');
  if (first.kind !== 'list' || first.items[0]?.kind !== 'symbol' || first.items[0].name !== 'defsymphony') {
    return err(first.pos, `expected (defsymphony "name" {config} body), found ${describeForm(first)}`);
  }
  const extra = forms[1];
  if (extra) err(extra.pos, `unexpected form after defsymphony: ${describeForm(extra)}`);
  const args = first.items.slice(1);
  if (args.length !== 3) {
    err(first.pos, `defsymphony takes 3 arguments ("name" {config} body), found ${args.length}`);
  }
  const [nameForm, configForm, bodyForm] = args as [Form, Form, Form];
  if (nameForm.kind !== 'string')
    err(nameForm.pos, `defsymphony name must be a string, found ${describeForm(nameForm)}`);
  // Settings first: errors are reported in source order (the config precedes the body).
  const settings = compileSettings(configForm);
  const interner = new Interner();
  const compiler = new NodeCompiler(interner);
  const root = compiler.body(bodyForm, 'defsymphony body');
  return {
    name: (nameForm as { value: string }).value,
    file,
    settings,
    root,
    canonicalNodes: interner.size,
  };
}

function compileSettings(form: Form): StrategySettings {
  if (form.kind !== 'map')
    return err(form.pos, `defsymphony config must be a map, found ${describeForm(form)}`);
  const settings: { -readonly [K in keyof StrategySettings]: StrategySettings[K] } = {};
  for (const [k, v] of form.entries) {
    if (k.kind !== 'keyword') err(k.pos, `config keys must be keywords, found ${describeForm(k)}`);
    const key = (k as { name: string }).name;
    if (key === 'rebalance-threshold') {
      if (v.kind !== 'number' || !(v.value > 0 && v.value < 1)) {
        err(v.pos, `:rebalance-threshold must be a number in (0, 1), found ${describeForm(v)}`);
      }
      settings.rebalanceThreshold = (v as { value: number }).value;
    } else if (key === 'rebalance-frequency') {
      if (v.kind !== 'keyword' || !FREQUENCIES.includes(v.name)) {
        err(
          v.pos,
          `:rebalance-frequency must be one of :${FREQUENCIES.join(' :')}, found ${describeForm(v)}`,
        );
      }
      settings.rebalanceFrequency = (v as { name: string }).name;
    } else if (key === 'asset-class') {
      if (v.kind !== 'string') err(v.pos, `:asset-class must be a string, found ${describeForm(v)}`);
      settings.assetClass = (v as { value: string }).value;
    } else {
      err(
        k.pos,
        `unknown config key :${key} (known: :rebalance-threshold :rebalance-frequency :asset-class)`,
      );
    }
  }
  return settings;
}

class NodeCompiler {
  constructor(private readonly interner: Interner) {}

  /** A body: one node form, or a vector of them (several children are weighted equally). */
  body(form: Form, context: string): StrategyNode {
    if (form.kind === 'vector') {
      const children = form.items.map((f) => this.node(f));
      if (children.length === 1) return children[0]!;
      if (children.length === 0) err(form.pos, `empty ${context}`);
      return this.weightEqual(children, form.pos);
    }
    return this.node(form);
  }

  /** Children from a mix of vectors (flattened) and single node forms. */
  private children(forms: readonly Form[]): StrategyNode[] {
    const out: StrategyNode[] = [];
    for (const f of forms) {
      if (f.kind === 'vector') for (const item of f.items) out.push(this.node(item));
      else out.push(this.node(f));
    }
    return out;
  }

  node(form: Form): StrategyNode {
    const op = operatorOf(form, 'a strategy node (asset, group, weight-*, if, filter)');
    const list = form as ListForm;
    const args = list.items.slice(1);
    switch (op) {
      case 'asset':
        return this.asset(list, args);
      case 'group': {
        if (args.length !== 2)
          err(list.pos, `group takes a name and a body vector, found ${args.length} arguments`);
        const [name, body] = args as [Form, Form];
        if (name.kind !== 'string') err(name.pos, `group name must be a string, found ${describeForm(name)}`);
        if (body.kind !== 'vector') err(body.pos, `group body must be a vector, found ${describeForm(body)}`);
        const child = this.body(body, 'group body');
        return { kind: 'group', name: (name as { value: string }).value, child, id: child.id, pos: list.pos };
      }
      case 'weight-equal': {
        if (args.length === 0) err(list.pos, 'weight-equal needs a vector of children');
        const children = this.children(args);
        if (children.length === 0) err(list.pos, 'weight-equal has no children');
        return this.weightEqual(children, list.pos);
      }
      case 'weight-specified':
        return this.weightSpecified(list, args);
      case 'weight-inverse-volatility':
      case 'weight-inverse-vol':
        return this.inverseVolatility(list, args);
      case 'if':
        return this.ifNode(list, args);
      case 'filter':
        return this.filter(list, args);
      default:
        if ((INDICATOR_NAMES as readonly string[]).includes(op) || COMPARISONS.includes(op)) {
          return err(list.pos, `${op} is a value, not a strategy node; it belongs inside if or filter`);
        }
        return err(list.pos, `unknown operator '${op}'`);
    }
  }

  private asset(list: ListForm, args: readonly Form[]): StrategyNode {
    if (args.length < 1 || args.length > 2) {
      err(list.pos, `asset takes a ticker and an optional name, found ${args.length} arguments`);
    }
    const symbol = ticker(args[0]!);
    const nameForm = args[1];
    if (nameForm && nameForm.kind !== 'string' && nameForm.kind !== 'nil') {
      err(nameForm.pos, `asset name must be a string or nil, found ${describeForm(nameForm)}`);
    }
    const name = nameForm?.kind === 'string' ? nameForm.value : undefined;
    return {
      kind: 'asset',
      symbol,
      ...(name ? { name } : {}),
      id: this.interner.id(`a|${symbol}`),
      pos: list.pos,
    };
  }

  private weightEqual(children: StrategyNode[], pos: SourcePos): StrategyNode {
    if (children.length === 1) {
      const only = children[0]!;
      return { kind: 'weight-equal', children, id: only.id, pos };
    }
    return { kind: 'weight-equal', children, id: this.interner.id(`we|${ids(children)}`), pos };
  }

  private weightSpecified(list: ListForm, args: readonly Form[]): StrategyNode {
    if (args.length === 0 || args.length % 2 !== 0) {
      err(list.pos, `weight-specified takes pairs of weight and child, found ${args.length} arguments`);
    }
    const weights: number[] = [];
    const children: StrategyNode[] = [];
    for (let k = 0; k < args.length; k += 2) {
      const w = args[k]!;
      if (w.kind !== 'number' || !(w.value >= 0)) {
        err(w.pos, `weight-specified weight must be a non-negative number, found ${describeForm(w)}`);
      }
      weights.push((w as { value: number }).value);
      children.push(this.body(args[k + 1]!, 'weight-specified child'));
    }
    const key = `ws|${children.map((c, k) => `${weights[k]}:${c.id}`).join(',')}`;
    return { kind: 'weight-specified', weights, children, id: this.interner.id(key), pos: list.pos };
  }

  private inverseVolatility(list: ListForm, args: readonly Form[]): StrategyNode {
    if (args.length < 2) err(list.pos, 'weight-inverse-volatility takes a window and a vector of children');
    const window = windowOf(args[0]!, 'weight-inverse-volatility');
    const children = this.children(args.slice(1));
    if (children.length === 0) err(list.pos, 'weight-inverse-volatility has no children');
    const id = this.interner.id(`iv|${window}|${ids(children)}`);
    return { kind: 'weight-inverse-volatility', window, children, id, pos: list.pos };
  }

  private ifNode(list: ListForm, args: readonly Form[]): StrategyNode {
    if (args.length < 2 || args.length > 3) {
      err(
        list.pos,
        `if takes a condition, a then-branch and an optional else-branch, found ${args.length} arguments`,
      );
    }
    const condition = comparison(args[0]!);
    const then = this.body(args[1]!, 'then-branch');
    const otherwise = args[2] ? this.body(args[2], 'else-branch') : undefined;
    const key = `if|${conditionKey(condition)}|${then.id}|${otherwise?.id ?? '-'}`;
    return {
      kind: 'if',
      condition,
      then,
      ...(otherwise ? { else: otherwise } : {}),
      id: this.interner.id(key),
      pos: list.pos,
    };
  }

  private filter(list: ListForm, args: readonly Form[]): StrategyNode {
    if (args.length !== 3) {
      err(
        list.pos,
        `filter takes a metric, (select-top n) or (select-bottom n), and candidates; found ${args.length} arguments`,
      );
    }
    const [metricForm, selectForm, candidatesForm] = args as [Form, Form, Form];
    const metric = filterMetric(metricForm);
    const select = selection(selectForm);
    if (candidatesForm.kind !== 'vector') {
      err(candidatesForm.pos, `filter candidates must be a vector, found ${describeForm(candidatesForm)}`);
    }
    const candidates = (candidatesForm as { items: readonly Form[] }).items.map((f) => this.node(f));
    if (candidates.length === 0) err(candidatesForm.pos, 'filter has no candidates');
    const mode: FilterNode['mode'] = candidates.every((c) => c.kind === 'asset') ? 'asset' : 'portfolio';
    const unique = mode === 'asset' ? dedupeAssets(candidates) : candidates;
    const key = `f|${metric.indicator}|${metric.window}|${select.direction}|${select.count}|${mode}|${ids(unique)}`;
    return {
      kind: 'filter',
      metric,
      select,
      candidates: unique,
      mode,
      id: this.interner.id(key),
      pos: list.pos,
    };
  }
}

function ids(nodes: readonly StrategyNode[]): string {
  return nodes.map((n) => n.id).join(',');
}

function dedupeAssets(nodes: readonly StrategyNode[]): StrategyNode[] {
  const seen = new Set<number>();
  return nodes.filter((n) => {
    if (seen.has(n.id)) return false;
    seen.add(n.id);
    return true;
  });
}

function operatorOf(form: Form, expected: string): string {
  if (form.kind !== 'list') return err(form.pos, `expected ${expected}, found ${describeForm(form)}`);
  const head = form.items[0];
  if (!head) return err(form.pos, `empty list where ${expected} was expected`);
  if (head.kind !== 'symbol') return err(head.pos, `expected an operator name, found ${describeForm(head)}`);
  return head.name;
}

function ticker(form: Form): string {
  if (form.kind !== 'string') return err(form.pos, `expected a ticker string, found ${describeForm(form)}`);
  if (form.value === '') return err(form.pos, 'empty ticker');
  if (!TICKER_RE.test(form.value) || !/[A-Z]/.test(form.value)) {
    return err(
      form.pos,
      `invalid ticker ${JSON.stringify(form.value)} (uppercase letters, digits, '.', '/', '-')`,
    );
  }
  return form.value;
}

function windowOf(form: Form, op: string): number {
  let value: Form = form;
  if (form.kind === 'map') {
    const entry = form.entries.find(([k]) => k.kind === 'keyword' && k.name === 'window');
    const unknown = form.entries.find(([k]) => !(k.kind === 'keyword' && k.name === 'window'));
    if (unknown)
      err(unknown[0].pos, `unknown option ${describeForm(unknown[0])} for ${op} (expected :window)`);
    if (!entry) return err(form.pos, `${op} needs {:window n}`);
    value = entry[1];
  }
  if (value.kind !== 'number')
    return err(value.pos, `${op} window must be a number, found ${describeForm(value)}`);
  if (!Number.isSafeInteger(value.value) || value.value < 1) {
    return err(value.pos, `${op} window must be an integer ≥ 1, found ${value.text}`);
  }
  return value.value;
}

function indicatorName(op: string, pos: SourcePos): IndicatorName {
  if ((INDICATOR_NAMES as readonly string[]).includes(op)) return op as IndicatorName;
  if (NODE_OPERATORS.includes(op)) return err(pos, `${op} is a strategy node, not a value`);
  return err(pos, `unknown indicator '${op}' (known: ${INDICATOR_NAMES.join(', ')})`);
}

/** `(ind "SYM" {:window n})`, `(ind "SYM" n)` or `(current-price "SYM")`. */
function indicatorCall(form: Form): ValueExpr {
  const op = operatorOf(form, 'an indicator or a number');
  const list = form as ListForm;
  const indicator = indicatorName(op, list.pos);
  const args = list.items.slice(1);
  const symbolForm = args[0];
  if (symbolForm?.kind !== 'string') {
    return err(
      list.pos,
      `${op} in a condition needs a ticker, e.g. (${op} "SPY"${op === 'current-price' ? '' : ' {:window 10}'})`,
    );
  }
  const symbol = ticker(symbolForm);
  const rest = args.slice(1);
  return {
    kind: 'indicator',
    indicator,
    symbol,
    window: indicatorWindow(indicator, rest, list),
    pos: list.pos,
  };
}

function indicatorWindow(indicator: IndicatorName, rest: readonly Form[], list: ListForm): number {
  if (indicator === 'current-price') {
    if (rest.length > 1) err(list.pos, `current-price takes at most one option, found ${rest.length}`);
    if (rest[0]) windowOf(rest[0], indicator);
    return 1;
  }
  if (rest.length !== 1)
    return err(list.pos, `${indicator} needs exactly one window, found ${rest.length} arguments`);
  return windowOf(rest[0]!, indicator);
}

function filterMetric(form: Form): Metric {
  const op = operatorOf(form, 'a metric such as (rsi {:window 10})');
  const list = form as ListForm;
  const indicator = indicatorName(op, list.pos);
  const args = list.items.slice(1);
  if (args[0]?.kind === 'string') {
    err(args[0].pos, `a filter metric is applied to each candidate and takes no ticker`);
  }
  return { indicator, window: indicatorWindow(indicator, args, list) };
}

function selection(form: Form): FilterNode['select'] {
  const op = operatorOf(form, '(select-top n) or (select-bottom n)');
  const list = form as ListForm;
  if (op !== 'select-top' && op !== 'select-bottom') {
    return err(list.pos, `expected select-top or select-bottom, found '${op}'`);
  }
  const args = list.items.slice(1);
  if (args.length !== 1) return err(list.pos, `${op} takes one count, found ${args.length} arguments`);
  const n = args[0]!;
  if (n.kind !== 'number' || !Number.isSafeInteger(n.value) || n.value < 1) {
    return err(n.pos, `${op} count must be an integer ≥ 1, found ${describeForm(n)}`);
  }
  return { direction: op === 'select-top' ? 'top' : 'bottom', count: n.value };
}

function comparison(form: Form): Comparison {
  const op = operatorOf(form, 'a comparison such as (> (rsi "SPY" {:window 10}) 70)');
  const list = form as ListForm;
  if (!COMPARISONS.includes(op)) {
    if ((INDICATOR_NAMES as readonly string[]).includes(op)) {
      return err(list.pos, `an if condition must be a comparison, found the bare indicator ${op}`);
    }
    return err(list.pos, `unknown comparison '${op}' (known: ${COMPARISONS.join(' ')})`);
  }
  const args = list.items.slice(1);
  if (args.length !== 2) return err(list.pos, `${op} takes 2 arguments, found ${args.length}`);
  const [l, r] = args.map(valueExpr) as [ValueExpr, ValueExpr];
  if (l.kind === 'literal' && r.kind === 'literal') err(list.pos, `${op} compares two constants`);
  return { kind: 'compare', op: op as ComparisonOp, left: l, right: r, pos: list.pos };
}

function valueExpr(form: Form): ValueExpr {
  if (form.kind === 'number') return { kind: 'literal', value: form.value, pos: form.pos };
  return indicatorCall(form);
}

function exprKey(e: ValueExpr): string {
  return e.kind === 'literal' ? `l:${e.value}` : `i:${e.indicator}:${e.symbol}:${e.window}`;
}

function conditionKey(c: Comparison): string {
  return `${c.op}|${exprKey(c.left)}|${exprKey(c.right)}`;
}
