// The datasets ddpm knows, spelled as on the command line and in YAML (`--dataset fashion-mnist`),
// and the three splits every run uses.

/// A dataset format and its conventional location.
public enum DatasetKind: String, CaseIterable, Codable, Sendable {
    /// MNIST digits, 60000 train + 10000 test, 1×28×28, as gzipped IDX files (scripts/fetch-mnist.sh).
    case mnist
    /// Fashion-MNIST, same shapes and format as MNIST (Debian package dataset-fashion-mnist).
    case fashionMNIST = "fashion-mnist"
    /// CIFAR-10 binary batches, 50000 train + 10000 test, 3×32×32.
    case cifar10
    /// A directory of PNG images (ImageFolder.swift): the top level (unlabelled, every label 0), or one
    /// subfolder per class (labelled, named by the subfolders).
    case folder

    /// The directory used when `--data-dir` is not given; `nil` when the kind needs one.
    public var defaultDirectory: String? {
        switch self {
        case .mnist: return "data/mnist"
        case .fashionMNIST: return "/usr/share/datasets/fashion-mnist"
        case .cifar10: return "data/cifar-10-batches-bin"
        case .folder: return nil
        }
    }

    /// How many images at the end of the official training set are held out for validation.
    /// MNIST-style sets keep seed 003's 50k/10k/10k split. CIFAR-10 holds out 5000 of 50000
    /// (the common 45k/5k split; the seeds do not fix one). `nil`: the folder kind decides itself.
    public var validationCount: Int? {
        switch self {
        case .mnist, .fashionMNIST: return 10_000
        case .cifar10: return 5_000
        case .folder: return nil
        }
    }
}

/// Which part of a dataset to load.
public enum DatasetSplit: String, CaseIterable, Codable, Sendable {
    /// The official training set minus the validation hold-out.
    case train
    /// The last `DatasetKind.validationCount` images of the official training set.
    case validation
    /// The official test set (MNIST's t10k, CIFAR-10's test_batch.bin).
    case test
}
