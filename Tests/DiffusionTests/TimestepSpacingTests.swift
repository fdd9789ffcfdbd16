// Timestep spacings against hand-written lists (Lin et al. 2023, Table 2, 0-based), and the
// properties every visited list must have.

import Testing
@testable import Diffusion

struct TimestepSpacingTests {
    @Test func rawValuesAreTheCLISpellings() {
        #expect(TimestepSpacing.allCases.map(\.rawValue) == ["linspace", "leading", "trailing"])
    }

    @Test func tenStepsOfOneThousandMatchLinEtAlTableTwo() throws {
        #expect(try TimestepSpacing.linspace.visitedIndices(steps: 10, of: 1000)
                == [999, 888, 777, 666, 555, 444, 333, 222, 111, 0])
        #expect(try TimestepSpacing.leading.visitedIndices(steps: 10, of: 1000)
                == [900, 800, 700, 600, 500, 400, 300, 200, 100, 0])
        #expect(try TimestepSpacing.trailing.visitedIndices(steps: 10, of: 1000)
                == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99])
    }

    @Test func fiveStepsOfTenRoundHalfToEvenLikeNumpy() throws {
        // linspace(0, 9, 5) = [0, 2.25, 4.5, 6.75, 9]; np.round sends 4.5 to 4, not 5.
        #expect(try TimestepSpacing.linspace.visitedIndices(steps: 5, of: 10) == [9, 7, 4, 2, 0])
        #expect(try TimestepSpacing.leading.visitedIndices(steps: 5, of: 10) == [8, 6, 4, 2, 0])
        #expect(try TimestepSpacing.trailing.visitedIndices(steps: 5, of: 10) == [9, 7, 5, 3, 1])
    }

    @Test func unevenDivisionsFollowTheirDefinitions() throws {
        // T = 10, steps = 3: linspace(0, 9, 3) = [0, 4.5, 9]; ⌊10/3⌋ = 3; 10 − k·10/3 = [10, 6.67, 3.33].
        #expect(try TimestepSpacing.linspace.visitedIndices(steps: 3, of: 10) == [9, 4, 0])
        #expect(try TimestepSpacing.leading.visitedIndices(steps: 3, of: 10) == [6, 3, 0])
        #expect(try TimestepSpacing.trailing.visitedIndices(steps: 3, of: 10) == [9, 6, 2])
        // T = 7, steps = 6: 7 − 3·(7/6) = 3.5 exactly, which goes to 4 (even), so index 3.
        // diffusers' np.arange reaches 3.4999… and visits 2 instead.
        #expect(try TimestepSpacing.trailing.visitedIndices(steps: 6, of: 7) == [6, 5, 4, 3, 1, 0])
    }

    @Test(arguments: TimestepSpacing.allCases)
    func stepsEqualToTVisitEveryTimestep(_ spacing: TimestepSpacing) throws {
        for T in [2, 10, 1000] {
            #expect(try spacing.visitedIndices(steps: T, of: T) == Array((0..<T).reversed()), "T = \(T)")
        }
    }

    @Test func oneStepVisitsZeroExceptTrailingWhichVisitsTheLast() throws {
        #expect(try TimestepSpacing.linspace.visitedIndices(steps: 1, of: 1000) == [0])
        #expect(try TimestepSpacing.leading.visitedIndices(steps: 1, of: 1000) == [0])
        #expect(try TimestepSpacing.trailing.visitedIndices(steps: 1, of: 1000) == [999])
    }

    @Test(arguments: TimestepSpacing.allCases)
    func visitedIndicesAreDistinctDescendingAndInRange(_ spacing: TimestepSpacing) throws {
        for T in [2, 3, 7, 17, 100, 1000] {
            for steps in 1...T {
                let visited = try spacing.visitedIndices(steps: steps, of: T)
                #expect(visited.count == steps, "\(spacing) T = \(T) steps = \(steps)")
                #expect(zip(visited, visited.dropFirst()).allSatisfy { $0 > $1 }, "\(spacing) T = \(T) steps = \(steps)")
                #expect(visited.allSatisfy { (0..<T).contains($0) }, "\(spacing) T = \(T) steps = \(steps)")
            }
        }
    }

    @Test func trailingAlwaysStartsAtTheLastTimestep() throws {
        for T in [2, 7, 17, 1000] {
            for steps in 1...T {
                #expect(try TimestepSpacing.trailing.visitedIndices(steps: steps, of: T).first == T - 1)
            }
        }
    }

    @Test(arguments: TimestepSpacing.allCases, [0, -1, 1001])
    func stepsOutsideOneThroughTAreRejected(_ spacing: TimestepSpacing, steps: Int) {
        let error = #expect(throws: ScheduleError.self) { try spacing.visitedIndices(steps: steps, of: 1000) }
        #expect(error?.parameter == "steps")
        #expect(error?.description == "steps = \(steps): must be in 1...1000 (the number of training timesteps T)")
    }
}
