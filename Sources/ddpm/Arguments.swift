import ArgumentParser
import DataIO
import Diffusion
import NN
import TensorCore
import Training

// Closed sets parse from their CLI spelling (the enums' raw values); help lists the values.
extension BetaSchedule: ExpressibleByArgument {}
extension LossKind: ExpressibleByArgument {}
extension DatasetKind: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}
extension VarianceKind: ExpressibleByArgument {}
extension EarlyStoppingMetric: ExpressibleByArgument {}
extension TimestepSpacing: ExpressibleByArgument {}
extension MetricsField: ExpressibleByArgument {}
extension MaskKind: ExpressibleByArgument {}
extension LRSchedule: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
