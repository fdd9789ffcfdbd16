/// Convolution shapes that exercise padding edges, stride 2 on odd sizes, non-square images,
/// 1×1 kernels and batch 3.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let input: [Int], weight: [Int], stride: Int, padding: Int, bias: Bool
    var testDescription: String { "x\(input) w\(weight) s\(stride) p\(padding)\(bias ? " +b" : "")" }

    static let awkward = [
        ConvCase(input: [3, 2, 7, 7], weight: [4, 2, 3, 3], stride: 1, padding: 1, bias: true),
        ConvCase(input: [3, 3, 15, 15], weight: [2, 3, 3, 3], stride: 2, padding: 1, bias: true),
        ConvCase(input: [3, 2, 7, 7], weight: [3, 2, 3, 3], stride: 2, padding: 0, bias: false),
        ConvCase(input: [2, 6, 5, 9], weight: [5, 6, 1, 1], stride: 1, padding: 0, bias: true),
        ConvCase(input: [1, 2, 6, 11], weight: [3, 2, 3, 3], stride: 1, padding: 1, bias: false),
        ConvCase(input: [2, 1, 8, 8], weight: [2, 1, 3, 3], stride: 2, padding: 1, bias: true),
    ]
}

import Testing
