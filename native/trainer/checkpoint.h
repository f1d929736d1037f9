// Checkpoints: DIR/step-NNNNNNNN/{adapter.gguf|model.gguf, state.bin}; DIR/latest names the newest.
#pragma once

#include "ggml-opt.h"

#include <cstdint>
#include <string>
#include <vector>

struct tt_options;
struct ttds;

struct tt_progress_state {
    int64_t  step        = 0;   // optimizer steps done
    int64_t  epoch       = 0;   // current epoch (0-based)
    int64_t  next_window = 0;   // index into order of the next window to train
    int64_t  opt_iter    = 1;   // ggml-opt AdamW iteration
    int64_t  trained_tokens = 0;
    std::string rng_state;
    std::vector<uint32_t> order;
};

struct tt_saved_param {
    std::string        name;
    std::vector<float> m, v;
};

// DIR/latest resolved to the checkpoint directory it names ('' when there is none)
std::string ckpt_latest(const std::string & dir);
// optimizer state of every trainable tensor (AdamW m and v), read from ggml-opt, sorted by name
std::vector<tt_saved_param> read_opt_state(ggml_opt_context_t opt_ctx);
// state.bin: progress and optimizer state, checksummed, written atomically
void write_state_file(const std::string & path, const std::string & fingerprint, const tt_progress_state & st,
                      const std::vector<tt_saved_param> & params);
// reads it back; TT_FAIL(TT_CHECKPOINT) when it is corrupt, of another version or of other data and options
void read_state_file(const std::string & path, const std::string & fingerprint, tt_progress_state & st,
                     std::vector<tt_saved_param> & params);
// what a resume must match: the data, the windows and the options that shape the run
std::string fingerprint_of(const tt_options & o, const ttds & ds, size_t n_windows);
