import Foundation

/// RePaint's time schedule with resampling ("jumps"), over S sampling steps.
///
/// `times` is the RePaint reference's `get_schedule_jump(t_T: S, n_sample: 1, jump_length: J,
/// jump_n_sample: U)` list: indices into the S visited steps (S − 1 the noisiest, 0 the last),
/// ending in −1 for x_0. Consecutive entries differ by one: a decrease is a reverse (model) step,
/// an increase a re-noising step q(x_k | x_{k−1}). Every multiple j of J below S − J is a jump
/// point: the first U − 1 times the chain reaches j it goes back up J steps and denoises that
/// stretch again, so each stretch above a jump point is sampled U times.
/// ```
/// S = 6, J = 2, U = 2:  [5, 4, 3, 2, 3, 4, 3, 2, 1, 0, 1, 2, 1, 0, −1]
///                        8 reverse steps (model evaluations), 4 re-noising steps
/// U = 1 (no resampling):  [S − 1, …, 0, −1], S model evaluations
/// J = 1: RePaint's Algorithm 1 literally, U reverse steps at every t (the last one kept)
/// ```
/// Model evaluations: S + ⌈(S − J)/J⌉·(U − 1)·J (for J < S); S = 250, J = 10, U = 10 gives 2410.
///
/// ### References
/// 1. Lugmayr et al., RePaint, CVPR 2022, §4.2 "Resampling" and Algorithm 1. <https://arxiv.org/abs/2201.09865>
/// 2. The reference implementation's `scheduler.py`, `get_schedule_jump` (pinned by
///    `scripts/fixtures/repaint.py` and `RePaintGoldens.swift`).
public struct JumpSchedule: Equatable, Sendable {
    public let steps: Int
    public let jumpLength: Int
    public let resamplings: Int
    /// Step indices visited, from S − 1 down to −1 (x_0), with the jumps back up.
    public let times: [Int]

    /// - Throws: `ScheduleError` naming the parameter when S, J or U is below 1.
    public init(steps: Int, jumpLength: Int, resamplings: Int) throws {
        for (name, value) in [("steps", steps), ("jump-length", jumpLength), ("resample", resamplings)] where value < 1 {
            throw ScheduleError(parameter: name, value: "\(value)", requirement: "must be at least 1")
        }
        self.steps = steps
        self.jumpLength = jumpLength
        self.resamplings = resamplings
        // Remaining extra passes per jump point j = 0, J, 2J, … < S − J.
        var jumpsLeft: [Int: Int] = [:]
        for j in stride(from: 0, to: steps - jumpLength, by: jumpLength) { jumpsLeft[j] = resamplings - 1 }
        var t = steps, times: [Int] = []
        while t >= 1 {
            t -= 1
            times.append(t)
            if let left = jumpsLeft[t], left > 0 {
                jumpsLeft[t] = left - 1
                for _ in 0..<jumpLength {
                    t += 1
                    times.append(t)
                }
            }
        }
        times.append(-1)
        self.times = times
        var done = [0]
        for m in 0..<(times.count - 1) { done.append(done[m] + (times[m + 1] < times[m] ? 1 : 0)) }
        evaluationsDone = done
    }

    /// evaluationsDone[m]: model evaluations in the first m moves.
    private let evaluationsDone: [Int]

    /// Moves (reverse or re-noising steps) per image.
    public var moveCount: Int { times.count - 1 }

    /// Whether move m goes down (a reverse step that evaluates the model at step index `times[m]`).
    public func isReverse(_ m: Int) -> Bool { times[m + 1] < times[m] }

    /// Model evaluations per image: the number of reverse moves.
    public var modelEvaluations: Int { evaluationsDone[moveCount] }

    /// Model evaluations done after the first `moves` moves (0 ≤ moves ≤ moveCount), for progress.
    public func evaluations(afterMoves moves: Int) -> Int { evaluationsDone[moves] }
}
