#pragma once
/// A fresh directory under the system's temp directory, removed with everything in it by the
/// destructor. For tests that need real files (the state file's SQLite database).

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

namespace metersim::test {

class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        auto const base = std::filesystem::temp_directory_path();
        for (;;) {
            path_ = base / ("metersim-test-" + std::to_string(rd()));
            if (std::filesystem::create_directory(path_)) break;
        }
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    /// `name` inside the directory.
    std::string file(std::string const& name) const { return (path_ / name).string(); }
    std::filesystem::path const& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// The whole content of a file ("" when it cannot be read).
inline std::string file_bytes(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `bytes` as the whole file.
inline void write_file(std::string const& path, std::string const& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace metersim::test
