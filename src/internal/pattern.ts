import { P as TsPattern } from 'ts-pattern'

/**
 * ts-pattern's `P`, the same members in an ordinary object. Why a copy: ts-pattern's is a
 * null-prototype object literal, which V8 keeps in dictionary mode, so every `P.number` in a
 * receive loop was a hash lookup (~5 ns, a tenth of a ring's `receive(P.number, 'stop')`);
 * here it is a field load. The patterns are the very same objects, so ts-pattern's own
 * `match(x).with(P.number, …)` and `isMatching` take them as they are.
 */
export const P: typeof TsPattern = Object.freeze({ ...TsPattern })

/** The type side of ts-pattern's `P` namespace (`P.infer<typeof pattern>` and the rest). */
export declare namespace P {
  export type Pattern<T = unknown> = TsPattern.Pattern<T>
  export type infer<pattern> = TsPattern.infer<pattern>
  export type narrow<input, pattern> = TsPattern.narrow<input, pattern>
  export type unstable_Fn = TsPattern.unstable_Fn
  export type unstable_Matchable<
    narrowedOrFn,
    input = unknown,
    pattern = never,
  > = TsPattern.unstable_Matchable<narrowedOrFn, input, pattern>
  export type unstable_Matcher<narrowedOrFn, input = unknown, pattern = never> = TsPattern.unstable_Matcher<
    narrowedOrFn,
    input,
    pattern
  >
}
