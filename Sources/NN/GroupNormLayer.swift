import TensorCore

/// GroupNorm with a per-channel affine transform (γ = 1, β = 0 at initialization).
public final class GroupNorm: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let groups: Int
    public let eps: Float

    public init(groups: Int, channels: Int, eps: Float = 1e-5) {
        shapeCheck(groups >= 1 && channels % groups == 0, "GroupNorm: \(channels) channels are not divisible into \(groups) groups")
        weight = Parameter(Tensor.ones([channels]))
        bias = Parameter(Tensor.zeros([channels]))
        self.groups = groups
        self.eps = eps
    }

    /// GroupNorm, then SiLU when `silu` (one fused pass).
    public func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        x.groupNorm(groups: groups, gamma: weight.value, beta: bias.value, eps: eps, fusedSiLU: silu)
    }

    public func namedParameters() -> [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
}
