// TTDS v1 datasets (written by src/main/train/datasetFile.ts) and their packing into training windows.
#pragma once

#include "llama.h"

#include <cstdint>
#include <string>
#include <vector>

template <typename T>
inline T read_le(const uint8_t * p) {
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
        v |= (T) ((T) p[i] << (8*i));
    }
    return v;
}

struct ttds {
    std::string           path;
    uint32_t              n_vocab    = 0;
    uint64_t              vocab_hash = 0;
    std::vector<uint64_t> offsets;
    std::vector<int32_t>  tokens;
    std::vector<uint8_t>  mask;
    size_t n_samples() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

struct tt_windows {
    uint32_t             ctx = 0;
    std::vector<int32_t> tokens;    // n_windows*ctx
    std::vector<int32_t> labels;    // n_windows*ctx, -1 = masked
    std::vector<int32_t> seq_ids;   // n_windows*ctx, index of the sample within its window (padding: the last one)
    int32_t max_samples_per_window = 1;
    std::vector<int64_t> n_trained; // per window
    int64_t total_trained     = 0;
    int64_t dropped_samples   = 0;
    int64_t truncated_samples = 0;
    int64_t empty_samples     = 0;  // samples without any target token (ignored)
    size_t size() const { return n_trained.size(); }
};

// Each sample in a window gets its own sequence id (opt_seq_ids): it attends only to itself and its positions
// start at 0, exactly as when it is evaluated alone. A window holds at most TT_MAX_SAMPLES_PER_WINDOW samples
// (llama.cpp's sequence limit).
static constexpr int32_t TT_MAX_SAMPLES_PER_WINDOW = 256;

ttds load_ttds(const std::string & path, const char * what);
uint64_t vocab_fnv1a(const llama_vocab * vocab);
void check_vocab(const ttds & ds, const llama_vocab * vocab, uint64_t model_hash, const char * what);
// samples packed whole into windows of ctx tokens, one sequence id each; overlong ones truncated or dropped
tt_windows pack_windows(const ttds & ds, uint32_t ctx, bool drop_overlong, int32_t pad_token);
