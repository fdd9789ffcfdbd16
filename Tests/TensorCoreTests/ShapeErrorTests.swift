import Testing
import TensorCore

/// Library shape errors stop the process with a message naming the op and both shapes.
@Suite struct ShapeErrorTests {
    @Test func conv2dChannelMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3, 8, 8]).conv2d(Tensor.zeros([4, 5, 3, 3]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("conv2d") && text.contains("[2, 3, 8, 8]") && text.contains("[4, 5, 3, 3]"))
        }
    }

    @Test func broadcastMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("add") && text.contains("[2, 3]") && text.contains("[4]"))
        }
    }

    @Test func groupNormIndivisibleChannelsNamesShape() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.zeros([1, 6, 2, 2])
            _ = x.groupNorm(groups: 4, gamma: Tensor.ones([6]), beta: Tensor.zeros([6]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("groupNorm") && text.contains("[1, 6, 2, 2]") && text.contains("4 groups"))
        }
    }

    @Test func matmulInnerMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("matmul") && text.contains("[2, 3]") && text.contains("[4, 5]"))
        }
    }

    @Test func flatIndexOutsideTheTensorStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3])[flat: 6]
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("subscript(flat:)") && text.contains("index 6") && text.contains("[2, 3]"))
        }
    }
}
