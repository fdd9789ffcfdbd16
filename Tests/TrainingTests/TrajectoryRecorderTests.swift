// Which steps a trajectory strip shows: evenly spaced by default, or the t asked for with
// --trajectory-steps (the nearest visited ones on a respaced or jumping schedule).
import Testing
import Training

@Suite struct TrajectoryRecorderTests {
    /// Full ancestral sampling with T = 10: after step j, x is at index 8 − j (−1 = x_0).
    static let full = Array((-1...8).reversed())

    @Test func chosenTimestepsAreShownExactlyWhenVisited() {
        let recorder = TrajectoryRecorder(timesteps: Self.full, showing: [9, 5, 1, 0], images: 1)
        // t = 9 is x_9 = index 8 (step 0), t = 0 is x_0 (the last step).
        #expect(recorder.keep == [0, 4, 8, 9])
        #expect(recorder.shownTimesteps == [9, 5, 1, 0])
    }

    @Test func aRespacedSamplerShowsTheNearestVisitedTimestep() {
        // Visited indices 7, 4, 1, −1 (paper t 8, 5, 2, 0).
        let recorder = TrajectoryRecorder(timesteps: [7, 4, 1, -1], showing: [10, 6, 3, 0], images: 1)
        #expect(recorder.shownTimesteps == [8, 5, 2, 0], "10 → 8 (nearest), 6 → 5, 3 → 2, 0 → x_0")
    }

    @Test func aRevisitedTimestepShowsItsLastVisit() {
        // A RePaint-like schedule: down to index 2, back up to 4, down again to x_0.
        let jumps = [4, 3, 2, 3, 4, 3, 2, 1, 0, -1]
        let recorder = TrajectoryRecorder(timesteps: jumps, showing: [4, 3], images: 1)
        #expect(recorder.keep == [5, 6], "the last visits of index 3 (t = 4) and index 2 (t = 3)")
    }

    @Test func withoutChoiceAboutTenEvenlySpacedStepsAreShown() {
        let recorder = TrajectoryRecorder(timesteps: Array((-1...98).reversed()), images: 1)
        #expect(recorder.keep.count == 10 && recorder.keep.contains(0) && recorder.keep.contains(99))
        #expect(recorder.shownTimesteps.first == 99 && recorder.shownTimesteps.last == 0)
    }
}
