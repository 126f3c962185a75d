/**
 * Pre-bound label sets: one frozen object per distinct combination of label values, made the
 * first time it is seen and reused after, so recording a metric allocates no label object and
 * the catalog checks each set once (it skips frozen sets it has checked). Only for labels whose
 * values are bounded (closed sets, route templates, status codes): every combination is kept.
 */
type Key = string | number | boolean;

function frozen<L>(labels: L): L {
  return Object.freeze(labels);
}

export function labelSets1<A extends Key, L>(make: (a: A) => L): (a: A) => L {
  const sets = new Map<A, L>();
  return (a) => {
    let set = sets.get(a);
    if (set === undefined) sets.set(a, (set = frozen(make(a))));
    return set;
  };
}

export function labelSets2<A extends Key, B extends Key, L>(
  make: (a: A, b: B) => L,
): (a: A, b: B) => L {
  const byA = new Map<A, (b: B) => L>();
  return (a, b) => {
    let next = byA.get(a);
    if (next === undefined) byA.set(a, (next = labelSets1((value: B) => make(a, value))));
    return next(b);
  };
}

export function labelSets3<A extends Key, B extends Key, C extends Key, L>(
  make: (a: A, b: B, c: C) => L,
): (a: A, b: B, c: C) => L {
  const byA = new Map<A, (b: B, c: C) => L>();
  return (a, b, c) => {
    let next = byA.get(a);
    if (next === undefined) byA.set(a, (next = labelSets2((x: B, y: C) => make(a, x, y))));
    return next(b, c);
  };
}
