// Which compute backend trains: ours (built beside the trainer) or a prebuilt one of node-llama-cpp, loaded at run
// time next to our patched core (libggml-base, libllama).
#pragma once

#include "ggml-backend.h"

#include <cstddef>
#include <string>
#include <vector>

struct tt_device {
    std::string backend;                // registry name: "CPU", "CUDA", "Vulkan", "Metal"
    std::string name;                   // device name ("CPU", "CUDA0", ...)
    std::string description;            // e.g. the GPU's model
    std::string directory;              // where its library was found
    size_t      memory_total = 0;       // bytes; 0 when the backend does not say
    size_t      memory_free  = 0;
    std::string fallback;               // why a GPU backend that was asked for (or tried by "auto") is not used
    ggml_backend_dev_t gpu = nullptr;   // the GPU device that trains; nullptr: the CPU
};

// "auto" (the first GPU backend that loads and has a device: CUDA then Vulkan, Metal on Apple; else the CPU), or one
// of "cuda", "vulkan", "metal", "cpu". Every backend is looked for in `dirs` in order, the best variant of a directory
// first (the CPU backend is always loaded: it runs what the GPU does not). Throws std::runtime_error when no CPU
// backend loads; a GPU backend that does not load or has no device falls back to the CPU, with the reason.
tt_device tt_load_backends(const std::string & want, const std::vector<std::string> & dirs);

// The directory of the running executable (the default place of our backends).
std::string tt_executable_dir();
