import Testing
import _TestSupport
@testable import Tuning

/// Decisions on a synthetic history, worked out by hand from Optuna's MedianPruner rule.
@Suite struct MedianPrunerTests {
    // Five complete trials reporting at steps 100, 200, 300.
    let completed: [[Int: Double]] = [
        [100: 0.50, 200: 0.40, 300: 0.30],
        [100: 0.60, 200: 0.45, 300: 0.35],
        [100: 0.55, 200: 0.42, 300: 0.33],
        [100: 0.70, 200: 0.60, 300: 0.50],
        [100: 0.52, 200: 0.41],  // stopped early: no report at 300
    ]

    @Test func prunesAboveTheMedianAtTheSameStep() {
        let pruner = MedianPruner(startupTrials: 5)
        // Median at step 100 of 0.50, 0.60, 0.55, 0.70, 0.52 is 0.55.
        #expect(pruner.shouldPrune(intermediate: [(100, 0.56)], completed: completed))
        #expect(!pruner.shouldPrune(intermediate: [(100, 0.55)], completed: completed), "equal to the median is kept")
        #expect(!pruner.shouldPrune(intermediate: [(100, 0.54)], completed: completed))
        // Step 300 has four values: median (0.33 + 0.35) / 2 = 0.34. The trial's best so far counts.
        #expect(pruner.shouldPrune(intermediate: [(100, 0.5), (200, 0.4), (300, 0.345)], completed: completed))
        #expect(!pruner.shouldPrune(intermediate: [(100, 0.5), (200, 0.33), (300, 0.36)], completed: completed))
    }

    @Test func waitsForStartupTrialsWarmupAndReportsAtTheStep() {
        #expect(!MedianPruner(startupTrials: 6).shouldPrune(intermediate: [(100, 9)], completed: completed), "only 5 complete trials")
        #expect(!MedianPruner(startupTrials: 5, warmupSteps: 150).shouldPrune(intermediate: [(100, 9)], completed: completed))
        #expect(MedianPruner(startupTrials: 5, warmupSteps: 150).shouldPrune(intermediate: [(100, 9), (200, 9)], completed: completed))
        #expect(!MedianPruner(startupTrials: 5).shouldPrune(intermediate: [(150, 9)], completed: completed), "no complete trial reported at 150")
        #expect(!MedianPruner(startupTrials: 5, minimumTrials: 5).shouldPrune(intermediate: [(300, 9)], completed: completed), "4 < 5 trials at 300")
        #expect(!MedianPruner().shouldPrune(intermediate: [], completed: completed))
        #expect(MedianPruner().shouldPrune(intermediate: [(100, .nan)], completed: completed), "a diverged trial is stopped")
    }

    @Test func studyPrunesFromItsJournal() throws {
        let dir = try ScratchDirectory()
        let study = try Study.create(path: dir.path + "/s", settings: try studySettings(trials: 10))
        for v in [0.5, 0.6, 0.55, 0.7, 0.52] {
            let t = try #require(try study.claim())
            try study.report(trial: t.number, step: 100, value: v)
            try study.finish(trial: t.number, state: .complete, value: v, wallSeconds: 1, cpuSeconds: 1)
        }
        let t = try #require(try study.claim())
        try study.report(trial: t.number, step: 100, value: 0.54)
        #expect(try !study.shouldPrune(trial: t.number))
        try study.report(trial: t.number, step: 100, value: 0.9)  // a second report at the same step: best so far is kept
        #expect(try !study.shouldPrune(trial: t.number))
        let u = try #require(try study.claim())
        try study.report(trial: u.number, step: 100, value: 0.6)
        #expect(try study.shouldPrune(trial: u.number))
    }
}
