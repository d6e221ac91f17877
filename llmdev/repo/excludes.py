"""Files llmdev never reads, whatever the repository says: lock files, minified, generated,
vendored and binary files. Name checks only (no reading), so they cost microseconds a file."""

from __future__ import annotations

from functools import lru_cache

LOCK_FILES = frozenset(
    {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "deno.lock",
        "cargo.lock", "poetry.lock", "pipfile.lock", "pdm.lock", "uv.lock", "conda-lock.yml",
        "gemfile.lock", "composer.lock", "go.sum", "gradle.lockfile", "packages.lock.json",
        "podfile.lock", "package.resolved", "pubspec.lock", "mix.lock", "flake.lock",
    }
)

VENDOR_DIRS = frozenset({"vendor", "vendors", "node_modules", "third_party", "third-party", "bower_components"})

MINIFIED_ENDINGS = (".min.js", ".min.mjs", ".min.cjs", ".min.css", "-min.js", "-min.css")

GENERATED_ENDINGS = (
    "_pb2.py", "_pb2.pyi", "_pb2_grpc.py", ".pb.go", ".pb.cc", ".pb.h", ".pb.swift", "_grpc.pb.go",
    ".g.dart", ".freezed.dart", ".designer.cs", ".js.map", ".css.map", ".mjs.map",
)

BINARY_SUFFIXES = frozenset(
    {
        # images and fonts
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "xcf", "heic", "avif",
        "woff", "woff2", "ttf", "otf", "eot",
        # archives and packages
        "zip", "tar", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "jar", "war", "ear", "whl", "egg",
        "deb", "rpm", "dmg", "iso", "apk", "aab", "ipa", "nupkg", "gem",
        # compiled code and libraries
        "exe", "dll", "so", "dylib", "o", "obj", "a", "lib", "class", "pyc", "pyo", "pyd", "wasm", "bin",
        "elf", "pdb", "ilk", "beam", "dex",
        # media
        "mp3", "mp4", "m4a", "m4v", "wav", "ogg", "oga", "flac", "aac", "avi", "mov", "mkv", "webm", "wmv", "mpg", "mpeg",
        # documents, data and models
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "sqlite", "sqlite3", "db",
        "npy", "npz", "pkl", "pickle", "parquet", "feather", "arrow", "h5", "hdf5", "onnx", "pt", "pth",
        "ckpt", "safetensors", "gguf", "tflite", "mat", "sav", "swf", "blend", "fbx", "glb",
    }
)


@lru_cache(maxsize=8192)
def _vendored(directory: str) -> bool:
    """Whether a directory lies in a vendored tree (asked once per directory, not per file)."""
    return not VENDOR_DIRS.isdisjoint(directory.split("/"))


def builtin_exclusion(path: str) -> str | None:
    """Why llmdev leaves `path` (posix, relative to the root) out by default, or None."""
    slash = path.rfind("/")
    name = path[slash + 1 :].lower()
    if slash >= 0 and _vendored(path[:slash]):
        return "vendored"
    if name in LOCK_FILES:
        return "lock file"
    if name.endswith(MINIFIED_ENDINGS):
        return "minified"
    if name.endswith(GENERATED_ENDINGS) or ".generated." in name or name.startswith("zz_generated"):
        return "generated"
    dot = name.rfind(".")
    if dot > 0 and name[dot + 1 :] in BINARY_SUFFIXES:
        return "binary"
    return None
