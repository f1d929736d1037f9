// The trainer's command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct tt_options {
    std::string model;
    std::string data;
    std::string val;
    std::string out;
    std::string checkpoint_dir;
    std::string init_adapter; // LoRA to start from (a new run: fresh optimizer, step 0)
    bool        resume = false;
    bool        full   = false;

    int32_t     rank  = 16;
    float       alpha = 32.0f;
    std::vector<std::string> targets = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
    float       init_scale = -1.0f; // std of A; < 0: 1/sqrt(3*n_in) (uniform-Kaiming-like)

    float       lr           = 2e-4f;
    int64_t     warmup       = 0;
    std::string schedule     = "cosine";
    float       min_lr_ratio = 0.0f;
    float       weight_decay = 0.0f;
    float       beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;

    int64_t     epochs     = -1; // -1: 1, or unlimited when --max-steps is given
    int64_t     max_steps  = 0;
    uint32_t    ctx        = 512;
    uint32_t    batch      = 0;  // 0: = ctx
    uint32_t    ubatch     = 0;  // 0: = batch
    uint64_t    seed       = 42;
    int32_t     threads    = 0;
    int32_t     gpu_layers = -1;
    std::string backend    = "auto";
    bool        print_device = false;   // only say which device would train, then exit
    std::vector<std::string> backend_dirs; // empty: the trainer's own directory
    bool        shuffle    = true;
    std::string overlong   = "truncate";

    int64_t     val_every        = 0;
    int64_t     checkpoint_every = 0;
    int64_t     keep_checkpoints = 1;
};

void print_usage(const char * argv0);
std::vector<std::string> split_list(const std::string & s);
// the options, checked (TT_FAIL with TT_USAGE on a bad one)
tt_options parse_args(int argc, char ** argv);
