#include "backends.h"

#include "ggml.h"

#include <filesystem>
#include <stdexcept>

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace fs = std::filesystem;

namespace {

// Error lines ggml logs while a backend loads (dlopen's reason among them), passed on to the trainer's own logger.
struct load_log {
    ggml_log_callback previous    = nullptr;
    void *            previous_ud = nullptr;
    std::string       errors;

    load_log()  { ggml_log_get(&previous, &previous_ud); ggml_log_set(capture, this); }
    ~load_log() { ggml_log_set(previous, previous_ud); }

    static void capture(ggml_log_level level, const char * text, void * ud) {
        auto * self = static_cast<load_log *>(ud);
        if (level == GGML_LOG_LEVEL_ERROR && text) {
            self->errors += text;
        }
        if (self->previous) {
            self->previous(level, text, self->previous_ud);
        }
    }
};

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

// The best variant of `name` in the first directory that has one that loads, or nullptr with the reason.
ggml_backend_reg_t load_best(const char * name, const std::vector<std::string> & dirs, std::string & directory, std::string & why) {
    load_log log;
    for (const std::string & dir : dirs) {
        if (ggml_backend_reg_t reg = ggml_backend_load_best_from_path(name, dir.c_str())) {
            directory = dir;
            return reg;
        }
    }
    why = log.errors.empty() ? std::string("no libggml-") + name + " library in the backend directories" : trimmed(log.errors);
    return nullptr;
}

// The first GPU (discrete or integrated) of a backend; a Vulkan driver that emulates one on the CPU does not count.
ggml_backend_dev_t first_gpu(ggml_backend_reg_t reg) {
    for (size_t i = 0; i < ggml_backend_reg_dev_count(reg); ++i) {
        ggml_backend_dev_t dev = ggml_backend_reg_dev_get(reg, i);
        const enum ggml_backend_dev_type type = ggml_backend_dev_type(dev);
        if (type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU) {
            return dev;
        }
    }
    return nullptr;
}

std::vector<const char *> gpu_candidates(const std::string & want) {
    if (want == "auto") {
#if defined(__APPLE__)
        return { "metal" };
#else
        return { "cuda", "vulkan" };
#endif
    }
    if (want == "cpu") {
        return {};
    }
    return { want.c_str() };
}

} // namespace

tt_device tt_load_backends(const std::string & want, const std::vector<std::string> & dirs) {
    tt_device device;
    std::string why;
    ggml_backend_reg_t cpu = load_best("cpu", dirs, device.directory, why);
    if (!cpu || ggml_backend_reg_dev_count(cpu) == 0) {
        throw std::runtime_error("no CPU backend could be loaded: " + why);
    }
    std::vector<std::string> reasons;
    for (const char * name : gpu_candidates(want)) {
        std::string directory, reason;
        ggml_backend_reg_t reg = load_best(name, dirs, directory, reason);
        if (ggml_backend_dev_t gpu = reg ? first_gpu(reg) : nullptr) {
            device.gpu       = gpu;
            device.directory = directory;
            break;
        }
        reasons.push_back(std::string(name) + ": " + (reg ? "the backend loaded but found no GPU" : reason));
    }
    if (!device.gpu && want != "cpu") {
        for (const std::string & reason : reasons) {
            device.fallback += (device.fallback.empty() ? "" : "; ") + reason;
        }
    }
    ggml_backend_dev_t dev = device.gpu ? device.gpu : ggml_backend_reg_dev_get(cpu, 0);
    device.backend     = ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev));
    device.name        = ggml_backend_dev_name(dev);
    device.description = ggml_backend_dev_description(dev);
    ggml_backend_dev_memory(dev, &device.memory_free, &device.memory_total);
    return device;
}

std::string tt_executable_dir() {
#if defined(_WIN32)
    wchar_t path[MAX_PATH];
    const DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
    return fs::path(std::wstring(path, n)).parent_path().string();
#elif defined(__APPLE__)
    char path[4096];
    uint32_t size = sizeof(path);
    if (_NSGetExecutablePath(path, &size) != 0) {
        return ".";
    }
    return fs::canonical(path).parent_path().string();
#else
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
#endif
}
