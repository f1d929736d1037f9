// tooltune-train: LoRA (or full) fine-tuning of a GGUF model on a TTDS v1 token dataset with llama.cpp/ggml-opt.
//
// One JSON object per line on stdout (machine-readable progress), human logs on stderr.
// See native/README.md for the dataset format, the flags, the checkpoint layout and the exit codes.

#include "llama.h"
#include "ggml.h"
#include "ggml-backend.h"
#include "ggml-opt.h"
#include "gguf.h"
#include "ggml-cpp.h"

// internal llama.cpp headers: adapter tensors must be marked as trainable parameters,
// and the training loop drives llama_context::opt_epoch_iter directly (patched, see native/patches)
#include "llama-adapter.h"
#include "llama-context.h"
#include "llama-model.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
#include <io.h>
#define tt_fsync(fd) _commit(fd)
#define tt_fileno(f) _fileno(f)
#else
#include <unistd.h>
#define tt_fsync(fd) fsync(fd)
#define tt_fileno(f) fileno(f)
#endif

namespace fs = std::filesystem;

//
// exit codes (documented in native/README.md)
//

enum tt_exit : int {
    TT_OK              = 0,
    TT_INTERNAL        = 1,
    TT_USAGE           = 2,
    TT_MODEL           = 3,
    TT_DATASET         = 4,
    TT_VOCAB_MISMATCH  = 5,
    TT_OOM             = 6,
    TT_IO              = 7,
    TT_NO_TRAIN_TOKENS = 8,
    TT_CHECKPOINT      = 9,
    TT_DIVERGED        = 10,
};

static const char * tt_exit_name(int code) {
    switch (code) {
        case TT_USAGE:           return "usage";
        case TT_MODEL:           return "model";
        case TT_DATASET:         return "dataset";
        case TT_VOCAB_MISMATCH:  return "vocab_mismatch";
        case TT_OOM:             return "out_of_memory";
        case TT_IO:              return "io";
        case TT_NO_TRAIN_TOKENS: return "no_trainable_tokens";
        case TT_CHECKPOINT:      return "checkpoint";
        case TT_DIVERGED:        return "diverged";
        default:                 return "internal";
    }
}

struct tt_error : std::runtime_error {
    int code;
    tt_error(int code, const std::string & msg) : std::runtime_error(msg), code(code) {}
};

static std::string string_format(const char * fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    const int n = vsnprintf(nullptr, 0, fmt, ap);
    std::string s(n > 0 ? n : 0, '\0');
    vsnprintf(s.data(), s.size() + 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    return s;
}

// print "<func>: error: <msg>" on stderr and throw, so that main can emit the JSON error line and exit code
#define TT_FAIL(code, ...) do {                                             \
        const std::string tt_msg_ = string_format(__VA_ARGS__);            \
        fprintf(stderr, "%s: error: %s\n", __func__, tt_msg_.c_str());      \
        throw tt_error((code), tt_msg_);                                    \
    } while (0)

//
// JSON lines on stdout
//

static std::mutex g_stdout_mutex;

static std::string json_str(const std::string & s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':  out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n";  break;
            case '\r': out += "\\r";  break;
            case '\t': out += "\\t";  break;
            default:
                if (c < 0x20) {
                    out += string_format("\\u%04x", c);
                } else {
                    out += (char) c;
                }
        }
    }
    return out + "\"";
}

static std::string json_num(double v) {
    if (!std::isfinite(v)) {
        return "null";
    }
    return string_format("%.9g", v);
}

// small builder: json_obj().s("type","progress").n("step",3).str()
struct json_obj {
    std::string body;
    json_obj & raw(const char * k, const std::string & v) {
        body += (body.empty() ? "" : ",") + json_str(k) + ":" + v;
        return *this;
    }
    json_obj & s(const char * k, const std::string & v) { return raw(k, json_str(v)); }
    json_obj & n(const char * k, double v)              { return raw(k, json_num(v)); }
    json_obj & i(const char * k, int64_t v)             { return raw(k, std::to_string(v)); }
    json_obj & b(const char * k, bool v)                { return raw(k, v ? "true" : "false"); }
    std::string str() const { return "{" + body + "}"; }
};

static void emit(const json_obj & o) {
    std::lock_guard<std::mutex> lock(g_stdout_mutex);
    fputs(o.str().c_str(), stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

//
// global state for signals, aborts and temp-file cleanup
//

static std::atomic<bool> g_stop_requested{false};
static std::mutex               g_tmp_mutex;
static std::vector<std::string> g_tmp_paths;     // removed on failure (files or directories)
static std::mutex               g_log_mutex;
static std::deque<std::string>  g_log_tail;      // last llama/ggml log lines (to classify aborts)
static bool                     g_verbose = false;

static void tmp_register(const std::string & p) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    g_tmp_paths.push_back(p);
}

static void tmp_unregister(const std::string & p) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    g_tmp_paths.erase(std::remove(g_tmp_paths.begin(), g_tmp_paths.end(), p), g_tmp_paths.end());
}

static void tmp_cleanup_all() {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    for (const auto & p : g_tmp_paths) {
        std::error_code ec;
        fs::remove_all(p, ec);
    }
    g_tmp_paths.clear();
}

static void on_signal(int) {
    g_stop_requested = true;
}

static bool looks_like_oom(const std::string & text) {
    static const char * needles[] = {
        "out of memory", "failed to allocate", "cudaMalloc", "unable to allocate", "bad_alloc",
        "ErrorOutOfDeviceMemory", "ErrorOutOfHostMemory", "not enough memory", "failed to reserve",
        "Cannot allocate memory", // strerror(ENOMEM), e.g. "mmap failed: Cannot allocate memory"
    };
    for (const char * n : needles) {
        if (text.find(n) != std::string::npos) {
            return true;
        }
    }
    return false;
}

static std::string log_tail_text() {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    std::string all;
    for (const auto & l : g_log_tail) {
        all += l;
    }
    return all;
}

static const char * oom_hint() {
    return "out of memory: lower --ctx, --ubatch or --rank, train fewer --targets, or offload fewer layers (--gpu-layers)";
}

// a training graph with more nodes than llama.cpp budgeted for it (patch 0005) trips one of these asserts
static bool looks_like_graph_overflow(const std::string & text) {
    return text.find("cgraph->n_nodes < cgraph->size") != std::string::npos ||
           text.find("cgraph->n_leafs < cgraph->size") != std::string::npos ||
           text.find("GGML_HASHSET_FULL") != std::string::npos;
}

// ggml aborts (GGML_ASSERT/GGML_ABORT) end here: emit the JSON error line, remove temp files, exit with a code
static void on_ggml_abort(const char * message) {
    const std::string msg  = message ? message : "";
    const std::string tail = log_tail_text();
    const bool oom = looks_like_oom(msg) || looks_like_oom(tail);
    const bool graph = !oom && looks_like_graph_overflow(msg);
    const int code = oom ? TT_OOM : graph ? TT_MODEL : TT_INTERNAL;
    std::string text = "internal error in ggml: " + msg;
    if (oom) {
        text = std::string(oom_hint()) + " (" + msg + ")";
    } else if (graph) {
        text = "the training graph of this model is larger than the graph budget llama.cpp gives it: this architecture is not supported for training yet (" + msg + ")";
    }
    fprintf(stderr, "%s: error: %s\n", __func__, msg.c_str());
    emit(json_obj().s("type", "error").s("code", tt_exit_name(code)).i("exit_code", code).s("message", text));
    tmp_cleanup_all();
    fflush(stderr);
    _Exit(code);
}

static void on_log(enum ggml_log_level level, const char * text, void * /*user_data*/) {
    {
        std::lock_guard<std::mutex> lock(g_log_mutex);
        g_log_tail.emplace_back(text ? text : "");
        while (g_log_tail.size() > 32) {
            g_log_tail.pop_front();
        }
    }
    if (g_verbose || level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) {
        fputs(text, stderr);
    }
}

//
// options
//

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
    bool        shuffle    = true;
    std::string overlong   = "truncate";

    int64_t     val_every        = 0;
    int64_t     checkpoint_every = 0;
    int64_t     keep_checkpoints = 1;
};

static void print_usage(const char * argv0) {
    fprintf(stderr,
        "usage: %s --model BASE.gguf --data TRAIN.ttds --out ADAPTER.gguf [options]\n"
        "\n"
        "  --model PATH            base model GGUF (F32, F16, BF16 or a quantized type)\n"
        "  --data PATH             training data, TTDS v1 (see native/README.md)\n"
        "  --val PATH              validation data, TTDS v1\n"
        "  --out PATH              output: LoRA adapter GGUF (or full model GGUF with --full)\n"
        "  --full                  train all F32 weights (except token embeddings) instead of a LoRA\n"
        "  --rank N                LoRA rank (default 16)\n"
        "  --alpha F               LoRA alpha, scale = alpha/rank (default 32)\n"
        "  --targets LIST          comma list of attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down,output\n"
        "                          (default: all but output)\n"
        "  --init-scale F          std of the normal init of LoRA A (default 1/sqrt(3*n_in)); B starts at 0\n"
        "  --lr F                  peak learning rate (default 2e-4)\n"
        "  --warmup N              linear warmup steps (default 0)\n"
        "  --schedule S            cosine|linear|constant (default cosine)\n"
        "  --min-lr-ratio F        final lr = ratio*lr for cosine/linear (default 0)\n"
        "  --weight-decay F        AdamW decoupled weight decay (default 0)\n"
        "  --epochs N              passes over the data (default 1; unlimited with --max-steps)\n"
        "  --max-steps N           stop after N optimizer steps\n"
        "  --ctx N                 window length in tokens; samples are packed into windows (default 512)\n"
        "  --batch N               tokens per optimizer step, divides --ctx (default --ctx)\n"
        "  --ubatch N              tokens per forward/backward pass, divides --batch (default --batch);\n"
        "                          gradient accumulation = batch/ubatch\n"
        "  --overlong MODE         truncate|drop samples longer than --ctx (default truncate)\n"
        "  --no-shuffle            keep window order (default: shuffle windows every epoch)\n"
        "  --seed N                RNG seed for LoRA init and data order (default 42)\n"
        "  --threads N             CPU threads (default: hardware concurrency)\n"
        "  --gpu-layers N          layers to offload to the GPU (default -1 = all)\n"
        "  --val-every N           validation every N steps (default: end of each epoch)\n"
        "  --checkpoint-dir DIR    where checkpoints go (default OUT.ckpt)\n"
        "  --checkpoint-every N    checkpoint every N steps (default 0 = only on stop)\n"
        "  --keep-checkpoints N    how many of the newest checkpoints to keep (default 1)\n"
        "  --init-adapter PATH     start from this LoRA adapter (same --rank, --alpha, --targets) instead of a new one;\n"
        "                          a new run: the optimizer starts fresh at step 0 (--resume continues a run instead)\n"
        "  --resume                continue from the latest checkpoint in --checkpoint-dir\n"
        "  --verbose               print llama.cpp info logs on stderr\n"
        "\n"
        "Stop gracefully with SIGINT/SIGTERM or a line \"stop\" on stdin: a checkpoint is written, exit code 0.\n",
        argv0);
}

static std::vector<std::string> split_list(const std::string & s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

static tt_options parse_args(int argc, char ** argv) {
    tt_options o;
    auto need = [&](int & i) -> std::string {
        if (i + 1 >= argc) {
            TT_FAIL(TT_USAGE, "option %s needs a value", argv[i]);
        }
        return argv[++i];
    };
    auto to_i64 = [&](const char * opt, const std::string & v) -> int64_t {
        char * end = nullptr;
        errno = 0;
        const long long x = strtoll(v.c_str(), &end, 10);
        if (errno || end == v.c_str() || *end) {
            TT_FAIL(TT_USAGE, "%s expects an integer, got '%s'", opt, v.c_str());
        }
        return x;
    };
    auto to_f32 = [&](const char * opt, const std::string & v) -> float {
        char * end = nullptr;
        errno = 0;
        const float x = strtof(v.c_str(), &end);
        if (errno || end == v.c_str() || *end || !std::isfinite(x)) {
            TT_FAIL(TT_USAGE, "%s expects a number, got '%s'", opt, v.c_str());
        }
        return x;
    };

    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--model")                 { o.model = need(i); }
        else if (a == "--data")             { o.data = need(i); }
        else if (a == "--val")              { o.val = need(i); }
        else if (a == "--out")              { o.out = need(i); }
        else if (a == "--checkpoint-dir")   { o.checkpoint_dir = need(i); }
        else if (a == "--resume")           { o.resume = true; }
        else if (a == "--full")             { o.full = true; }
        else if (a == "--rank")             { o.rank = (int32_t) to_i64("--rank", need(i)); }
        else if (a == "--alpha")            { o.alpha = to_f32("--alpha", need(i)); }
        else if (a == "--targets")          { o.targets = split_list(need(i)); }
        else if (a == "--init-scale")       { o.init_scale = to_f32("--init-scale", need(i)); }
        else if (a == "--lr")               { o.lr = to_f32("--lr", need(i)); }
        else if (a == "--warmup")           { o.warmup = to_i64("--warmup", need(i)); }
        else if (a == "--schedule")         { o.schedule = need(i); }
        else if (a == "--min-lr-ratio")     { o.min_lr_ratio = to_f32("--min-lr-ratio", need(i)); }
        else if (a == "--weight-decay")     { o.weight_decay = to_f32("--weight-decay", need(i)); }
        else if (a == "--epochs")           { o.epochs = to_i64("--epochs", need(i)); }
        else if (a == "--max-steps")        { o.max_steps = to_i64("--max-steps", need(i)); }
        else if (a == "--ctx")              { o.ctx = (uint32_t) to_i64("--ctx", need(i)); }
        else if (a == "--batch")            { o.batch = (uint32_t) to_i64("--batch", need(i)); }
        else if (a == "--ubatch")           { o.ubatch = (uint32_t) to_i64("--ubatch", need(i)); }
        else if (a == "--overlong")         { o.overlong = need(i); }
        else if (a == "--no-shuffle")       { o.shuffle = false; }
        else if (a == "--seed")             { o.seed = (uint64_t) to_i64("--seed", need(i)); }
        else if (a == "--threads")          { o.threads = (int32_t) to_i64("--threads", need(i)); }
        else if (a == "--gpu-layers")       { o.gpu_layers = (int32_t) to_i64("--gpu-layers", need(i)); }
        else if (a == "--val-every")        { o.val_every = to_i64("--val-every", need(i)); }
        else if (a == "--checkpoint-every") { o.checkpoint_every = to_i64("--checkpoint-every", need(i)); }
        else if (a == "--keep-checkpoints") { o.keep_checkpoints = to_i64("--keep-checkpoints", need(i)); }
        else if (a == "--init-adapter")     { o.init_adapter = need(i); }
        else if (a == "--verbose")          { g_verbose = true; }
        else if (a == "-h" || a == "--help") { print_usage(argv[0]); exit(0); }
        else { TT_FAIL(TT_USAGE, "unknown option '%s' (see --help)", a.c_str()); }
    }

    if (o.model.empty() || o.data.empty() || o.out.empty()) {
        print_usage(argv[0]);
        TT_FAIL(TT_USAGE, "--model, --data and --out are required");
    }
    if (o.batch == 0)  { o.batch  = o.ctx; }
    if (o.ubatch == 0) { o.ubatch = o.batch; }
    if (o.ctx < 8 || o.ctx > (1u << 20))  { TT_FAIL(TT_USAGE, "--ctx must be in [8, 1048576], got %u", o.ctx); }
    if (o.batch > o.ctx || o.ctx % o.batch != 0) { TT_FAIL(TT_USAGE, "--batch (%u) must divide --ctx (%u)", o.batch, o.ctx); }
    if (o.ubatch > o.batch || o.batch % o.ubatch != 0) { TT_FAIL(TT_USAGE, "--ubatch (%u) must divide --batch (%u)", o.ubatch, o.batch); }
    if (!o.full) {
        if (o.rank < 1 || o.rank > 4096) { TT_FAIL(TT_USAGE, "--rank must be in [1, 4096], got %d", o.rank); }
        if (!(o.alpha > 0.0f))           { TT_FAIL(TT_USAGE, "--alpha must be > 0"); }
        static const char * known[] = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "output"};
        if (o.targets.empty()) { TT_FAIL(TT_USAGE, "--targets is empty"); }
        for (const auto & t : o.targets) {
            if (std::find_if(std::begin(known), std::end(known), [&](const char * k) { return t == k; }) == std::end(known)) {
                TT_FAIL(TT_USAGE, "unknown --targets module '%s' (known: attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down,output)", t.c_str());
            }
        }
    }
    if (!(o.lr > 0.0f))                                   { TT_FAIL(TT_USAGE, "--lr must be > 0"); }
    if (o.weight_decay < 0.0f || o.weight_decay > 1.0f)   { TT_FAIL(TT_USAGE, "--weight-decay must be in [0, 1]"); }
    if (o.min_lr_ratio < 0.0f || o.min_lr_ratio > 1.0f)   { TT_FAIL(TT_USAGE, "--min-lr-ratio must be in [0, 1]"); }
    if (o.schedule != "cosine" && o.schedule != "linear" && o.schedule != "constant") {
        TT_FAIL(TT_USAGE, "--schedule must be cosine, linear or constant, got '%s'", o.schedule.c_str());
    }
    if (o.overlong != "truncate" && o.overlong != "drop") { TT_FAIL(TT_USAGE, "--overlong must be truncate or drop"); }
    if (o.warmup < 0 || o.max_steps < 0 || o.val_every < 0 || o.checkpoint_every < 0) {
        TT_FAIL(TT_USAGE, "--warmup, --max-steps, --val-every and --checkpoint-every must be >= 0");
    }
    if (o.epochs == 0 || o.epochs < -1) { TT_FAIL(TT_USAGE, "--epochs must be >= 1"); }
    if (o.keep_checkpoints < 1) { TT_FAIL(TT_USAGE, "--keep-checkpoints must be >= 1"); }
    if (o.full && !o.init_adapter.empty()) { TT_FAIL(TT_USAGE, "--init-adapter starts a LoRA run; --full trains the model itself"); }
    if (o.epochs == -1 && o.max_steps == 0) { o.epochs = 1; }
    if (o.threads <= 0) { o.threads = std::max(1u, std::thread::hardware_concurrency()); }
    if (o.checkpoint_dir.empty()) { o.checkpoint_dir = o.out + ".ckpt"; }
    return o;
}

//
// TTDS v1 dataset
//

struct ttds {
    std::string           path;
    uint32_t              n_vocab    = 0;
    uint64_t              vocab_hash = 0;
    std::vector<uint64_t> offsets;
    std::vector<int32_t>  tokens;
    std::vector<uint8_t>  mask;
    size_t n_samples() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

template <typename T>
static T read_le(const uint8_t * p) {
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
        v |= (T) ((T) p[i] << (8*i));
    }
    return v;
}

static ttds load_ttds(const std::string & path, const char * what) {
    ttds ds;
    ds.path = path;
    FILE * f = fopen(path.c_str(), "rb");
    if (!f) {
        TT_FAIL(TT_DATASET, "cannot open %s dataset '%s': %s", what, path.c_str(), strerror(errno));
    }
    std::vector<uint8_t> buf;
    {
        uint8_t chunk[1 << 16];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            buf.insert(buf.end(), chunk, chunk + n);
        }
        const bool err = ferror(f);
        fclose(f);
        if (err) {
            TT_FAIL(TT_DATASET, "read error on %s dataset '%s'", what, path.c_str());
        }
    }
    if (buf.size() < 32) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' is truncated: %zu bytes, the TTDS header alone is 32", what, path.c_str(), buf.size());
    }
    if (memcmp(buf.data(), "TTDS", 4) != 0) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' is not a TTDS file (bad magic)", what, path.c_str());
    }
    const uint32_t version = read_le<uint32_t>(buf.data() + 4);
    if (version != 1) {
        TT_FAIL(TT_DATASET, "%s dataset '%s' has TTDS version %u, this trainer reads version 1", what, path.c_str(), version);
    }
    ds.n_vocab                 = read_le<uint32_t>(buf.data() + 8);
    const uint32_t n_samples   = read_le<uint32_t>(buf.data() + 12);
    const uint64_t n_tokens    = read_le<uint64_t>(buf.data() + 16);
    ds.vocab_hash              = read_le<uint64_t>(buf.data() + 24);
    if (n_tokens > (uint64_t(1) << 40)) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': implausible n_tokens %" PRIu64, what, path.c_str(), n_tokens);
    }
    const uint64_t expected = 32 + 8*(uint64_t(n_samples) + 1) + 4*n_tokens + n_tokens;
    if (buf.size() != expected) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': file is %zu bytes but its header (%u samples, %" PRIu64 " tokens) needs %" PRIu64 " bytes%s",
            what, path.c_str(), buf.size(), n_samples, n_tokens, expected, buf.size() < expected ? " (truncated)" : "");
    }
    const uint8_t * p = buf.data() + 32;
    ds.offsets.resize(size_t(n_samples) + 1);
    for (size_t i = 0; i <= n_samples; ++i, p += 8) {
        ds.offsets[i] = read_le<uint64_t>(p);
    }
    if (ds.offsets[0] != 0 || ds.offsets[n_samples] != n_tokens) {
        TT_FAIL(TT_DATASET, "%s dataset '%s': offsets must start at 0 and end at n_tokens (%" PRIu64 "), got %" PRIu64 "..%" PRIu64,
            what, path.c_str(), n_tokens, ds.offsets[0], ds.offsets[n_samples]);
    }
    for (size_t i = 0; i < n_samples; ++i) {
        if (ds.offsets[i + 1] < ds.offsets[i]) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': offsets decrease at sample %zu", what, path.c_str(), i);
        }
    }
    ds.tokens.resize(n_tokens);
    for (uint64_t i = 0; i < n_tokens; ++i, p += 4) {
        const int32_t id = read_le<int32_t>(p);
        if (id < 0 || (uint32_t) id >= ds.n_vocab) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': token %" PRIu64 " has id %d outside [0, n_vocab=%u)", what, path.c_str(), i, id, ds.n_vocab);
        }
        ds.tokens[i] = id;
    }
    ds.mask.assign(p, p + n_tokens);
    for (uint64_t i = 0; i < n_tokens; ++i) {
        if (ds.mask[i] > 1) {
            TT_FAIL(TT_DATASET, "%s dataset '%s': mask byte %" PRIu64 " is %u, must be 0 or 1", what, path.c_str(), i, ds.mask[i]);
        }
    }
    return ds;
}

static uint64_t vocab_fnv1a(const llama_vocab * vocab) {
    uint64_t h = 0xcbf29ce484222325ULL;
    const int32_t n = llama_vocab_n_tokens(vocab);
    for (int32_t id = 0; id < n; ++id) {
        const char * text = llama_vocab_get_text(vocab, id);
        for (const unsigned char * c = (const unsigned char *) text; c && *c; ++c) {
            h ^= *c;
            h *= 0x100000001b3ULL;
        }
        h ^= 0;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void check_vocab(const ttds & ds, const llama_vocab * vocab, uint64_t model_hash, const char * what) {
    const int32_t n_vocab = llama_vocab_n_tokens(vocab);
    if ((int64_t) ds.n_vocab != n_vocab) {
        TT_FAIL(TT_VOCAB_MISMATCH, "%s dataset '%s' was tokenized for a vocabulary of %u tokens, the model has %d: re-tokenize the data for this model",
            what, ds.path.c_str(), ds.n_vocab, n_vocab);
    }
    if (ds.vocab_hash != model_hash) {
        TT_FAIL(TT_VOCAB_MISMATCH, "%s dataset '%s' was tokenized with a different tokenizer (vocab hash %016" PRIx64 ", model %016" PRIx64 "): re-tokenize the data for this model",
            what, ds.path.c_str(), ds.vocab_hash, model_hash);
    }
}

//
// packing samples into windows
//

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

static tt_windows pack_windows(const ttds & ds, uint32_t ctx, bool drop_overlong, int32_t pad_token) {
    tt_windows w;
    w.ctx = ctx;
    std::vector<int32_t> cur_tok, cur_lab, cur_seq;
    int64_t cur_trained = 0;
    int32_t cur_samples = 0;
    auto flush = [&]() {
        if (cur_tok.empty()) {
            return;
        }
        if (cur_trained > 0) {
            cur_tok.resize(ctx, pad_token);
            cur_lab.resize(ctx, -1);
            cur_seq.resize(ctx, cur_samples - 1);
            w.tokens.insert(w.tokens.end(), cur_tok.begin(), cur_tok.end());
            w.labels.insert(w.labels.end(), cur_lab.begin(), cur_lab.end());
            w.seq_ids.insert(w.seq_ids.end(), cur_seq.begin(), cur_seq.end());
            w.n_trained.push_back(cur_trained);
            w.total_trained += cur_trained;
            w.max_samples_per_window = std::max(w.max_samples_per_window, cur_samples);
        }
        cur_tok.clear();
        cur_lab.clear();
        cur_seq.clear();
        cur_trained = 0;
        cur_samples = 0;
    };
    for (size_t s = 0; s < ds.n_samples(); ++s) {
        const uint64_t b = ds.offsets[s];
        uint64_t len = ds.offsets[s + 1] - b;
        if (len > ctx) {
            if (drop_overlong) {
                w.dropped_samples++;
                continue;
            }
            w.truncated_samples++;
            len = ctx;
        }
        int64_t trained = 0;
        for (uint64_t p = 1; p < len; ++p) {
            trained += ds.mask[b + p];
        }
        if (trained == 0) {
            w.empty_samples++;
            continue;
        }
        if (cur_tok.size() + len > ctx || cur_samples == TT_MAX_SAMPLES_PER_WINDOW) {
            flush();
        }
        for (uint64_t p = 0; p < len; ++p) {
            cur_tok.push_back(ds.tokens[b + p]);
            const bool target = p + 1 < len && ds.mask[b + p + 1];
            cur_lab.push_back(target ? ds.tokens[b + p + 1] : -1);
            cur_seq.push_back(cur_samples);
        }
        cur_trained += trained;
        cur_samples++;
    }
    flush();
    return w;
}

//
// files: atomic writes
//

static void write_all(FILE * f, const void * data, size_t n, const std::string & path) {
    if (n > 0 && fwrite(data, 1, n, f) != n) {
        TT_FAIL(TT_IO, "cannot write '%s': %s", path.c_str(), strerror(errno));
    }
}

static FILE * open_for_write(const std::string & path) {
    FILE * f = fopen(path.c_str(), "wb");
    if (!f) {
        TT_FAIL(TT_IO, "cannot create '%s': %s", path.c_str(), strerror(errno));
    }
    return f;
}

static void close_synced(FILE * f, const std::string & path) {
    bool ok = fflush(f) == 0;
    ok = ok && tt_fsync(tt_fileno(f)) == 0;
    const int err = errno;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        TT_FAIL(TT_IO, "cannot write '%s': %s", path.c_str(), strerror(err ? err : errno));
    }
}

static void rename_atomic(const std::string & from, const std::string & to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) {
        TT_FAIL(TT_IO, "cannot rename '%s' to '%s': %s", from.c_str(), to.c_str(), ec.message().c_str());
    }
}

static std::string tmp_name_for(const std::string & path) {
    const fs::path p(path);
    const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(
#if defined(_WIN32)
        (long long) GetCurrentProcessId()
#else
        (long long) getpid()
#endif
    );
    return (p.parent_path() / name).string();
}

// write a GGUF with the tensors' data (host tensors directly, device tensors through a copy); checks every write, fsyncs
static void write_gguf(const gguf_context * gctx, const std::vector<ggml_tensor *> & tensors, const std::string & path) {
    FILE * f = open_for_write(path);
    std::vector<uint8_t> staging;
    try {
        std::vector<uint8_t> meta(gguf_get_meta_size(gctx));
        gguf_get_meta_data(gctx, meta.data());
        write_all(f, meta.data(), meta.size(), path);
        size_t pos = 0;
        const size_t align = gguf_get_alignment(gctx);
        std::vector<uint8_t> zeros(align, 0);
        for (size_t i = 0; i < tensors.size(); ++i) {
            const size_t offs = gguf_get_tensor_offset(gctx, (int64_t) i);
            if (offs < pos) {
                TT_FAIL(TT_INTERNAL, "tensor offsets out of order in '%s'", path.c_str());
            }
            write_all(f, zeros.data(), offs - pos, path);
            const size_t nb = ggml_nbytes(tensors[i]);
            const void * data = tensors[i]->data;
            if (tensors[i]->buffer && !ggml_backend_buffer_is_host(tensors[i]->buffer)) {
                staging.resize(nb);
                ggml_backend_tensor_get(tensors[i], staging.data(), 0, nb);
                data = staging.data();
            }
            write_all(f, data, nb, path);
            pos = offs + nb;
        }
        const size_t padded = GGML_PAD(pos, align);
        write_all(f, zeros.data(), padded - pos, path);
    } catch (...) {
        fclose(f);
        throw;
    }
    close_synced(f, path);
}

//
// LoRA adapter tensors
//

struct lora_target {
    std::string   name;   // base weight name, e.g. blk.0.attn_q.weight
    int64_t       n_in  = 0;
    int64_t       n_out = 0;
};

static std::vector<lora_target> find_lora_targets(const llama_model * model, const std::vector<std::string> & modules) {
    std::vector<lora_target> out;
    for (const auto & it : llama_internal_get_tensor_map(model)) {
        const std::string & name = it.first;
        const ggml_tensor * t = it.second;
        bool match = false;
        for (const auto & m : modules) {
            if (m == "output") {
                match = match || name == "output.weight";
            } else {
                const std::string suffix = "." + m + ".weight";
                match = match || (name.rfind("blk.", 0) == 0 && name.size() > suffix.size() &&
                                  name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0);
            }
        }
        if (!match) {
            continue;
        }
        if (ggml_n_dims(t) != 2) {
            continue;
        }
        out.push_back({name, t->ne[0], t->ne[1]});
    }
    std::sort(out.begin(), out.end(), [](const lora_target & a, const lora_target & b) { return a.name < b.name; });
    return out;
}

static std::string model_arch(const llama_model * model) {
    char buf[256] = {0};
    if (llama_model_meta_val_str(model, "general.architecture", buf, sizeof(buf)) < 0) {
        TT_FAIL(TT_MODEL, "model has no general.architecture");
    }
    return buf;
}

// adapter GGUF from host tensors; kv: general.type=adapter, adapter.type=lora, adapter.lora.alpha, general.architecture
static void save_adapter_host(const std::string & path, const std::string & arch, float alpha,
                              const std::vector<ggml_tensor *> & tensors, const std::map<std::string, std::string> & extra) {
    gguf_context * g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", arch.c_str());
    gguf_set_val_str(g, "general.type", "adapter");
    gguf_set_val_str(g, "general.name", "ToolTune LoRA");
    gguf_set_val_str(g, "adapter.type", "lora");
    gguf_set_val_f32(g, "adapter.lora.alpha", alpha);
    for (const auto & kv : extra) {
        gguf_set_val_str(g, kv.first.c_str(), kv.second.c_str());
    }
    for (ggml_tensor * t : tensors) {
        gguf_add_tensor(g, t);
    }
    try {
        write_gguf(g, tensors, path);
    } catch (...) {
        gguf_free(g);
        throw;
    }
    gguf_free(g);
}

// initial adapter: A ~ N(0, init_scale), B = 0
static void write_init_adapter(const std::string & path, const std::string & arch, float alpha, int32_t rank,
                               float init_scale, const std::vector<lora_target> & targets, std::mt19937_64 & rng) {
    size_t size = 0;
    for (const auto & t : targets) {
        size += 2*ggml_tensor_overhead() + (size_t) (t.n_in + t.n_out)*rank*sizeof(float) + 64;
    }
    ggml_init_params ip = { size + 1024*1024, nullptr, false };
    ggml_context * ctx = ggml_init(ip);
    std::vector<ggml_tensor *> tensors;
    for (const auto & t : targets) {
        ggml_tensor * a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, t.n_in, rank);
        ggml_tensor * b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, rank, t.n_out);
        ggml_set_name(a, (t.name + ".lora_a").c_str());
        ggml_set_name(b, (t.name + ".lora_b").c_str());
        const float std_a = init_scale >= 0.0f ? init_scale : 1.0f/sqrtf(3.0f*(float) t.n_in);
        std::normal_distribution<float> nd(0.0f, std_a);
        float * pa = (float *) a->data;
        for (int64_t i = 0; i < ggml_nelements(a); ++i) {
            pa[i] = std_a > 0.0f ? nd(rng) : 0.0f;
        }
        memset(b->data, 0, ggml_nbytes(b));
        tensors.push_back(a);
        tensors.push_back(b);
    }
    try {
        save_adapter_host(path, arch, alpha, tensors, {});
    } catch (...) {
        ggml_free(ctx);
        throw;
    }
    ggml_free(ctx);
}

// trainable tensors of the run: adapter A/B (LoRA) or the model weights marked as params (--full)
static std::vector<ggml_tensor *> adapter_tensors(llama_adapter_lora * adapter) {
    std::vector<std::pair<std::string, ggml_tensor *>> named;
    for (auto & it : adapter->ab_map) {
        named.emplace_back(std::string(it.second.a->name), it.second.a);
        named.emplace_back(std::string(it.second.b->name), it.second.b);
    }
    std::sort(named.begin(), named.end());
    std::vector<ggml_tensor *> out;
    for (auto & p : named) {
        out.push_back(p.second);
    }
    return out;
}

// an --init-adapter must be the adapter this run would create: A/B on exactly the --targets weights, of --rank and
// --alpha (the run saves its adapter with these settings, and the LoRA scale alpha/rank must not change under it)
static void check_init_adapter(const llama_adapter_lora * adapter, const std::vector<lora_target> & targets, const tt_options & o) {
    const char * path = o.init_adapter.c_str();
    if (std::fabs(adapter->alpha - o.alpha) > 1e-6f * std::max(1.0f, std::fabs(o.alpha))) {
        TT_FAIL(TT_USAGE, "--init-adapter '%s' has alpha %g, this run --alpha %g", path, adapter->alpha, o.alpha);
    }
    if (adapter->ab_map.size() != targets.size()) {
        TT_FAIL(TT_USAGE, "--init-adapter '%s' adapts %zu weights, --targets select %zu", path, adapter->ab_map.size(), targets.size());
    }
    for (const auto & t : targets) {
        const auto it = adapter->ab_map.find(t.name);
        if (it == adapter->ab_map.end()) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s' has no LoRA for '%s' (check --targets)", path, t.name.c_str());
        }
        const ggml_tensor * a = it->second.a;
        const ggml_tensor * b = it->second.b;
        if (a->ne[0] != t.n_in || a->ne[1] != o.rank || b->ne[0] != o.rank || b->ne[1] != t.n_out) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s': the LoRA of '%s' has rank %" PRId64 ", --rank is %d", path, t.name.c_str(), a->ne[1], o.rank);
        }
        if (a->type != GGML_TYPE_F32 || b->type != GGML_TYPE_F32) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s': the LoRA of '%s' is not F32 (only F32 adapters train)", path, t.name.c_str());
        }
    }
}

// copy device tensors to host and write the adapter atomically
static void save_adapter(const std::string & path, const std::string & arch, float alpha,
                         const std::vector<ggml_tensor *> & dev_tensors, const std::map<std::string, std::string> & extra) {
    size_t size = 1024*1024;
    for (ggml_tensor * t : dev_tensors) {
        size += ggml_tensor_overhead() + ggml_nbytes(t) + 64;
    }
    ggml_init_params ip = { size, nullptr, false };
    ggml_context * ctx = ggml_init(ip);
    std::vector<ggml_tensor *> host;
    for (ggml_tensor * t : dev_tensors) {
        ggml_tensor * h = ggml_dup_tensor(ctx, t);
        ggml_set_name(h, t->name);
        ggml_backend_tensor_get(t, h->data, 0, ggml_nbytes(t));
        host.push_back(h);
    }
    const std::string tmp = tmp_name_for(path);
    tmp_register(tmp);
    try {
        save_adapter_host(tmp, arch, alpha, host, extra);
        rename_atomic(tmp, path);
    } catch (...) {
        ggml_free(ctx);
        std::error_code ec;
        fs::remove(tmp, ec);
        tmp_unregister(tmp);
        throw;
    }
    tmp_unregister(tmp);
    ggml_free(ctx);
}

// --full output: the base's key/values exactly as they were (llama_model_save_to_file rebuilds the vocabulary from
// llama.cpp's parsed form, which loses token types), the base's tensor order, the trained weights
static void save_full_model(const std::string & path, const llama_model * model, const gguf_context * base_kv) {
    std::map<std::string, ggml_tensor *> by_name;
    for (const auto & it : llama_internal_get_tensor_map(model)) {
        by_name[it.first] = it.second;
    }
    gguf_context_ptr dst(gguf_init_empty());
    gguf_set_kv(dst.get(), base_kv);
    std::vector<ggml_tensor *> tensors;
    for (int64_t i = 0; i < gguf_get_n_tensors(base_kv); ++i) {
        const char * name = gguf_get_tensor_name(base_kv, i);
        const auto it = by_name.find(name);
        if (it == by_name.end()) {
            TT_FAIL(TT_INTERNAL, "tensor '%s' of the base model is not in the loaded model", name);
        }
        gguf_add_tensor(dst.get(), it->second);
        tensors.push_back(it->second);
    }
    const std::string tmp = tmp_name_for(path);
    tmp_register(tmp);
    write_gguf(dst.get(), tensors, tmp);
    rename_atomic(tmp, path);
    tmp_unregister(tmp);
}

//
// BF16 bases: ggml has no BF16 OUT_PROD (needed for the backward pass through frozen weights),
// so such tensors are upcast to F32 into a temporary GGUF before loading
//

static std::string upcast_bf16_model(const std::string & path, const std::string & tmp_dir) {
    ggml_context * data_ctx = nullptr;
    gguf_init_params gp = { false, &data_ctx };
    gguf_context * src = gguf_init_from_file(path.c_str(), gp);
    if (!src) {
        TT_FAIL(TT_MODEL, "cannot read '%s' to upcast its BF16 tensors", path.c_str());
    }
    gguf_context * dst = gguf_init_empty();
    gguf_set_kv(dst, src);
    const int64_t n = gguf_get_n_tensors(src);
    size_t size = 1024*1024;
    for (int64_t i = 0; i < n; ++i) {
        ggml_tensor * t = ggml_get_tensor(data_ctx, gguf_get_tensor_name(src, i));
        size += ggml_tensor_overhead() + (t->type == GGML_TYPE_BF16 ? ggml_nelements(t)*sizeof(float) : 0) + 64;
    }
    ggml_init_params ip = { size, nullptr, false };
    ggml_context * up_ctx = ggml_init(ip);
    std::vector<ggml_tensor *> tensors;
    for (int64_t i = 0; i < n; ++i) {
        ggml_tensor * t = ggml_get_tensor(data_ctx, gguf_get_tensor_name(src, i));
        if (t->type == GGML_TYPE_BF16) {
            ggml_tensor * u = ggml_new_tensor(up_ctx, GGML_TYPE_F32, GGML_MAX_DIMS, t->ne);
            ggml_set_name(u, t->name);
            ggml_bf16_to_fp32_row((const ggml_bf16_t *) t->data, (float *) u->data, ggml_nelements(t));
            t = u;
        }
        gguf_add_tensor(dst, t);
        tensors.push_back(t);
    }
    const std::string out = (fs::path(tmp_dir) / ".tooltune-upcast-f32.gguf").string();
    tmp_register(out);
    try {
        write_gguf(dst, tensors, out);
    } catch (...) {
        gguf_free(dst); gguf_free(src); ggml_free(up_ctx); ggml_free(data_ctx);
        throw;
    }
    gguf_free(dst); gguf_free(src); ggml_free(up_ctx); ggml_free(data_ctx);
    return out;
}

// check the GGUF before llama.cpp opens it: readable, and only tensor types that can be trained through
static bool precheck_model(const std::string & path, bool full) {
    ggml_context * meta = nullptr;
    gguf_init_params gp = { true, &meta };
    gguf_context * g = gguf_init_from_file(path.c_str(), gp);
    if (!g) {
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            TT_FAIL(TT_MODEL, "model file '%s' does not exist", path.c_str());
        }
        TT_FAIL(TT_MODEL, "'%s' is not a readable GGUF model (truncated or corrupt header)", path.c_str());
    }
    size_t data_end = gguf_get_data_offset(g);
    bool has_bf16 = false;
    std::string bad;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); ++i) {
        const ggml_type type = gguf_get_tensor_type(g, i);
        const ggml_tensor * t = ggml_get_tensor(meta, gguf_get_tensor_name(g, i));
        data_end = std::max(data_end, gguf_get_data_offset(g) + gguf_get_tensor_offset(g, i) + ggml_nbytes(t));
        if (type == GGML_TYPE_BF16) {
            has_bf16 = true;
            continue;
        }
        const bool ok = type == GGML_TYPE_F32 || type == GGML_TYPE_F16 || ggml_is_quantized(type);
        if (!ok && bad.empty()) {
            bad = string_format("%s (%s)", gguf_get_tensor_name(g, i), ggml_type_name(type));
        }
    }
    gguf_free(g);
    ggml_free(meta);
    std::error_code ec;
    const auto fsize = fs::file_size(path, ec);
    if (!ec && fsize < data_end) {
        TT_FAIL(TT_MODEL, "model '%s' is truncated: %llu bytes, its tensors need %zu", path.c_str(), (unsigned long long) fsize, data_end);
    }
    if (!bad.empty()) {
        TT_FAIL(TT_MODEL, "model '%s' has tensor %s of a type the trainer cannot train through; supported: F32, F16, BF16 (upcast to F32) and the quantized types Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K, IQ*, TQ*, MXFP4", path.c_str(), bad.c_str());
    }
    (void) full;
    return has_bf16;
}

//
// checkpoints: DIR/step-NNNNNNNN/{adapter.gguf|model.gguf, state.bin}, DIR/latest names the newest
//

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

static const char   TTCK_MAGIC[4] = {'T', 'T', 'C', 'K'};
static const uint32_t TTCK_VERSION = 1;

struct byte_writer {
    std::vector<uint8_t> buf;
    void raw(const void * p, size_t n) { buf.insert(buf.end(), (const uint8_t *) p, (const uint8_t *) p + n); }
    template <typename T> void put(T v) {
        for (size_t i = 0; i < sizeof(T); ++i) { buf.push_back((uint8_t) ((uint64_t) v >> (8*i))); }
    }
    void str(const std::string & s) { put<uint64_t>(s.size()); raw(s.data(), s.size()); }
    void f32s(const std::vector<float> & v) {
        put<uint64_t>(v.size());
        for (float f : v) { uint32_t u; memcpy(&u, &f, 4); put<uint32_t>(u); }
    }
};

struct byte_reader {
    const std::vector<uint8_t> & buf;
    size_t pos = 0;
    std::string path;
    void need(size_t n) {
        if (pos + n > buf.size() || pos + n < pos) {
            TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' is truncated", path.c_str());
        }
    }
    template <typename T> T get() { need(sizeof(T)); T v = read_le<T>(buf.data() + pos); pos += sizeof(T); return v; }
    std::string str() { const uint64_t n = get<uint64_t>(); need(n); std::string s((const char *) buf.data() + pos, n); pos += n; return s; }
    std::vector<float> f32s() {
        const uint64_t n = get<uint64_t>();
        need(n*4);
        std::vector<float> v(n);
        for (uint64_t i = 0; i < n; ++i) { const uint32_t u = get<uint32_t>(); memcpy(&v[i], &u, 4); }
        return v;
    }
};

static uint64_t fnv1a_bytes(const uint8_t * p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; ++i) { h ^= p[i]; h *= 0x100000001b3ULL; }
    return h;
}

static std::string ckpt_latest(const std::string & dir) {
    const fs::path latest = fs::path(dir) / "latest";
    FILE * f = fopen(latest.string().c_str(), "rb");
    if (!f) {
        return "";
    }
    char buf[256] = {0};
    const size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    std::string name(buf, n);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' ')) {
        name.pop_back();
    }
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
        return "";
    }
    return (fs::path(dir) / name).string();
}

// optimizer state of every trainable tensor (AdamW m and v), read from ggml-opt
static std::vector<tt_saved_param> read_opt_state(ggml_opt_context_t opt_ctx) {
    std::vector<tt_saved_param> out;
    const int n = ggml_opt_n_state(opt_ctx);
    for (int i = 0; i < n; ++i) {
        ggml_tensor * param = nullptr, * m = nullptr, * v = nullptr;
        ggml_opt_get_state(opt_ctx, i, &param, &m, &v);
        tt_saved_param sp;
        sp.name = param->name;
        sp.m.resize(ggml_nelements(m));
        sp.v.resize(ggml_nelements(v));
        ggml_backend_tensor_get(m, sp.m.data(), 0, ggml_nbytes(m));
        ggml_backend_tensor_get(v, sp.v.data(), 0, ggml_nbytes(v));
        out.push_back(std::move(sp));
    }
    std::sort(out.begin(), out.end(), [](const tt_saved_param & a, const tt_saved_param & b) { return a.name < b.name; });
    return out;
}

static void write_state_file(const std::string & path, const std::string & fingerprint, const tt_progress_state & st,
                             const std::vector<tt_saved_param> & params) {
    byte_writer w;
    w.raw(TTCK_MAGIC, 4);
    w.put<uint32_t>(TTCK_VERSION);
    w.str(fingerprint);
    w.put<int64_t>(st.step);
    w.put<int64_t>(st.epoch);
    w.put<int64_t>(st.next_window);
    w.put<int64_t>(st.opt_iter);
    w.put<int64_t>(st.trained_tokens);
    w.str(st.rng_state);
    w.put<uint64_t>(st.order.size());
    for (uint32_t x : st.order) { w.put<uint32_t>(x); }
    w.put<uint64_t>(params.size());
    for (const auto & p : params) {
        w.str(p.name);
        w.f32s(p.m);
        w.f32s(p.v);
    }
    const uint64_t h = fnv1a_bytes(w.buf.data(), w.buf.size());
    w.put<uint64_t>(h);
    FILE * f = open_for_write(path);
    try {
        write_all(f, w.buf.data(), w.buf.size(), path);
    } catch (...) {
        fclose(f);
        throw;
    }
    close_synced(f, path);
}

static void read_state_file(const std::string & path, const std::string & fingerprint, tt_progress_state & st,
                            std::vector<tt_saved_param> & params) {
    FILE * f = fopen(path.c_str(), "rb");
    if (!f) {
        TT_FAIL(TT_CHECKPOINT, "cannot open checkpoint state '%s': %s", path.c_str(), strerror(errno));
    }
    std::vector<uint8_t> buf;
    {
        uint8_t chunk[1 << 16];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            buf.insert(buf.end(), chunk, chunk + n);
        }
        fclose(f);
    }
    if (buf.size() < 16 || memcmp(buf.data(), TTCK_MAGIC, 4) != 0) {
        TT_FAIL(TT_CHECKPOINT, "'%s' is not a ToolTune checkpoint state", path.c_str());
    }
    const uint64_t h_stored = read_le<uint64_t>(buf.data() + buf.size() - 8);
    if (fnv1a_bytes(buf.data(), buf.size() - 8) != h_stored) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' is corrupt (checksum mismatch)", path.c_str());
    }
    byte_reader r{buf, 4, path};
    const uint32_t version = r.get<uint32_t>();
    if (version != TTCK_VERSION) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint state '%s' has version %u, expected %u", path.c_str(), version, TTCK_VERSION);
    }
    const std::string fp = r.str();
    if (fp != fingerprint) {
        TT_FAIL(TT_CHECKPOINT, "checkpoint '%s' was made with different data or options (%s), now (%s): resume with the same --data, --ctx, --batch, --ubatch, --rank, --targets, --full, --seed, --overlong",
            path.c_str(), fp.c_str(), fingerprint.c_str());
    }
    st.step           = r.get<int64_t>();
    st.epoch          = r.get<int64_t>();
    st.next_window    = r.get<int64_t>();
    st.opt_iter       = r.get<int64_t>();
    st.trained_tokens = r.get<int64_t>();
    st.rng_state      = r.str();
    const uint64_t n_order = r.get<uint64_t>();
    r.need(n_order*4);
    st.order.resize(n_order);
    for (auto & x : st.order) { x = r.get<uint32_t>(); }
    const uint64_t n_params = r.get<uint64_t>();
    params.clear();
    for (uint64_t i = 0; i < n_params; ++i) {
        tt_saved_param p;
        p.name = r.str();
        p.m = r.f32s();
        p.v = r.f32s();
        params.push_back(std::move(p));
    }
}

//
// training run state (ggml callbacks have no user data: one global run)
//

struct tt_run {
    tt_options opt;
    int64_t  total_steps      = 0;
    int64_t  steps_per_window = 1;
    int32_t  opt_period       = 1;
    tt_progress_state st;

    // per-window accumulation, filled by the ggml-opt callback
    int64_t              ubatch_in_step = 0;
    double               step_loss_acc  = 0.0;
    std::vector<double>  window_step_losses;
    std::vector<float>   window_step_lrs;
    std::vector<int64_t> window_step_k;   // target tokens per step of the current window
    float                cur_lr = 0.0f;

    // optimizer state to restore once ggml-opt allocates it
    std::vector<tt_saved_param> pending_state;
    bool                        pending_restored = true;
    std::string                 restore_error;
};

static tt_run * g_run = nullptr;

static float lr_at(const tt_options & o, int64_t step, int64_t total_steps) {
    if (o.warmup > 0 && step < o.warmup) {
        return o.lr * (float) (step + 1) / (float) o.warmup;
    }
    if (o.schedule == "constant" || total_steps <= o.warmup) {
        return o.lr;
    }
    const double t = std::min(1.0, (double) (step - o.warmup) / (double) std::max<int64_t>(1, total_steps - o.warmup));
    const double min_lr = o.lr * o.min_lr_ratio;
    if (o.schedule == "linear") {
        return (float) (o.lr - (o.lr - min_lr)*t);
    }
    return (float) (min_lr + 0.5*(o.lr - min_lr)*(1.0 + cos(3.14159265358979323846*t)));
}

static ggml_opt_optimizer_params get_opt_pars(void * /*ud*/) {
    ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
    const tt_options & o = g_run->opt;
    g_run->cur_lr = lr_at(o, g_run->st.step, g_run->total_steps);
    p.adamw.alpha = g_run->cur_lr;
    p.adamw.beta1 = o.beta1;
    p.adamw.beta2 = o.beta2;
    p.adamw.eps   = o.eps;
    p.adamw.wd    = o.weight_decay;
    p.sgd.alpha   = g_run->cur_lr;
    p.sgd.wd      = o.weight_decay;
    return p;
}

static bool param_filter_none(const ggml_tensor *, void *) { return false; }
static bool param_filter_all(const ggml_tensor *, void *)  { return true; }

static void on_opt_state_alloc(ggml_opt_context_t opt_ctx, void * /*ud*/) {
    tt_run & r = *g_run;
    if (r.pending_restored) {
        return;
    }
    r.pending_restored = true;
    std::map<std::string, const tt_saved_param *> by_name;
    for (const auto & p : r.pending_state) {
        by_name[p.name] = &p;
    }
    const int n = ggml_opt_n_state(opt_ctx);
    if ((size_t) n != r.pending_state.size()) {
        r.restore_error = string_format("checkpoint has optimizer state for %zu tensors, this run trains %d", r.pending_state.size(), n);
        return;
    }
    for (int i = 0; i < n; ++i) {
        ggml_tensor * param = nullptr, * m = nullptr, * v = nullptr;
        ggml_opt_get_state(opt_ctx, i, &param, &m, &v);
        auto it = by_name.find(param->name);
        if (it == by_name.end() || it->second->m.size() != (size_t) ggml_nelements(m) || it->second->v.size() != (size_t) ggml_nelements(v)) {
            r.restore_error = string_format("checkpoint has no matching optimizer state for tensor '%s'", param->name);
            return;
        }
        ggml_backend_tensor_set(m, it->second->m.data(), 0, ggml_nbytes(m));
        ggml_backend_tensor_set(v, it->second->v.data(), 0, ggml_nbytes(v));
    }
    r.pending_state.clear();
}

// called by opt_epoch_iter after every ubatch evaluation
static void on_opt_eval(bool train, ggml_opt_context_t opt_ctx, ggml_opt_dataset_t, ggml_opt_result_t, int64_t, int64_t, int64_t) {
    tt_run & r = *g_run;
    float loss = 0.0f;
    ggml_tensor * lt = ggml_opt_loss(opt_ctx);
    ggml_backend_tensor_get(lt, &loss, 0, sizeof(float));
    r.step_loss_acc += loss;
    if (!train) {
        return;
    }
    if (++r.ubatch_in_step == r.opt_period) {
        // a step without target tokens (padding at the end of a window) has no loss: reported as null
        const size_t k = r.window_step_losses.size();
        const bool empty = k < r.window_step_k.size() && r.window_step_k[k] == 0;
        r.window_step_losses.push_back(empty ? NAN : r.step_loss_acc);
        r.window_step_lrs.push_back(r.cur_lr);
        r.step_loss_acc  = 0.0;
        r.ubatch_in_step = 0;
        r.st.step++;
    }
}

// label weights so that each optimizer step minimises the mean loss over its trained tokens: ggml's cross-entropy
// divides by the output rows of the ubatch (its labelled positions, at least 1) and by opt_period; the weight, which
// scales the ubatch's loss (patch 0007), undoes both. for_sum: the loss becomes the sum.
static void set_label_weights(tt_run & r, llama_context * ctx, const int32_t * labels, bool for_sum) {
    const uint32_t n_ctx = r.opt.ctx, n_batch = r.opt.batch, n_ubatch = r.opt.ubatch;
    ctx->opt_label_weights.assign(n_ctx, 0.0f);
    r.window_step_k.clear();
    for (uint32_t b0 = 0; b0 < n_ctx; b0 += n_batch) {
        int64_t k = 0;
        for (uint32_t p = b0; p < b0 + n_batch; ++p) {
            k += labels[p] >= 0;
        }
        r.window_step_k.push_back(k);
        for (uint32_t u0 = b0; u0 < b0 + n_batch; u0 += n_ubatch) {
            int64_t rows = 0; // output rows of the ubatch: its labelled positions (sparse logits), at least one
            for (uint32_t p = u0; p < u0 + n_ubatch; ++p) {
                rows += labels[p] >= 0;
            }
            rows = std::max<int64_t>(rows, 1);
            const float w = for_sum ? (float) r.opt_period*(float) rows
                                    : (k > 0 ? (float) r.opt_period*(float) rows/(float) k : 0.0f);
            for (uint32_t p = u0; p < u0 + n_ubatch; ++p) {
                ctx->opt_label_weights[p] = w;
            }
        }
    }
}

static double run_validation(tt_run & r, llama_context * ctx, const tt_windows & val, llama_batch & batch) {
    double sum = 0.0;
    std::vector<int32_t> tok(r.opt.ctx), lab(r.opt.ctx);
    for (size_t wi = 0; wi < val.size(); ++wi) {
        std::copy_n(val.tokens.begin() + wi*r.opt.ctx, r.opt.ctx, tok.begin());
        std::copy_n(val.labels.begin() + wi*r.opt.ctx, r.opt.ctx, lab.begin());
        ctx->opt_seq_ids.assign(val.seq_ids.begin() + wi*r.opt.ctx, val.seq_ids.begin() + (wi + 1)*r.opt.ctx);
        set_label_weights(r, ctx, lab.data(), /*for_sum =*/ true);
        r.step_loss_acc = 0.0;
        ctx->opt_epoch_iter(nullptr, nullptr, tok, lab, batch, on_opt_eval, /*train =*/ false, 0, 0, ggml_time_us());
        sum += r.step_loss_acc;
    }
    r.step_loss_acc = 0.0;
    return val.total_trained > 0 ? sum/(double) val.total_trained : NAN;
}

static int64_t mem_bytes() {
#if defined(__linux__)
    FILE * f = fopen("/proc/self/statm", "r");
    if (f) {
        long long size = 0, resident = 0;
        const int n = fscanf(f, "%lld %lld", &size, &resident);
        fclose(f);
        if (n == 2) {
            return (int64_t) resident * (int64_t) sysconf(_SC_PAGESIZE);
        }
    }
#endif
    return 0;
}

static std::string fingerprint_of(const tt_options & o, const ttds & ds, size_t n_windows) {
    uint64_t h = fnv1a_bytes((const uint8_t *) ds.tokens.data(), ds.tokens.size()*sizeof(int32_t));
    h ^= fnv1a_bytes(ds.mask.data(), ds.mask.size());
    std::string targets;
    for (const auto & t : o.targets) { targets += (targets.empty() ? "" : ",") + t; }
    return string_format("data=%016" PRIx64 " windows=%zu ctx=%u batch=%u ubatch=%u mode=%s rank=%d targets=%s seed=%" PRIu64 " overlong=%s shuffle=%d",
        h, n_windows, o.ctx, o.batch, o.ubatch, o.full ? "full" : "lora", o.full ? 0 : o.rank, o.full ? "all" : targets.c_str(),
        o.seed, o.overlong.c_str(), o.shuffle ? 1 : 0);
}

static std::string save_checkpoint(tt_run & r, llama_context * ctx, llama_model * model, const std::string & arch,
                                   const std::vector<ggml_tensor *> & trainable, const std::string & fingerprint,
                                   const gguf_context * base_kv, const std::mt19937_64 & rng) {
    const tt_options & o = r.opt;
    std::error_code ec;
    fs::create_directories(o.checkpoint_dir, ec);
    if (ec) {
        TT_FAIL(TT_IO, "cannot create checkpoint directory '%s': %s", o.checkpoint_dir.c_str(), ec.message().c_str());
    }
    const std::string name = string_format("step-%08" PRId64, r.st.step);
    const fs::path final_dir = fs::path(o.checkpoint_dir) / name;
    const fs::path tmp_dir   = fs::path(o.checkpoint_dir) / (".tmp-" + name);
    fs::remove_all(tmp_dir, ec);
    fs::create_directories(tmp_dir, ec);
    if (ec) {
        TT_FAIL(TT_IO, "cannot create '%s': %s", tmp_dir.string().c_str(), ec.message().c_str());
    }
    tmp_register(tmp_dir.string());

    std::ostringstream rs;
    rs << rng;
    r.st.rng_state = rs.str();
    r.st.opt_iter  = ggml_opt_get_iter(ctx->get_opt_ctx());

    if (o.full) {
        save_full_model((tmp_dir / "model.gguf").string(), model, base_kv);
    } else {
        save_adapter((tmp_dir / "adapter.gguf").string(), arch, o.alpha, trainable, {});
    }
    write_state_file((tmp_dir / "state.bin").string(), fingerprint, r.st, read_opt_state(ctx->get_opt_ctx()));

    fs::remove_all(final_dir, ec);
    rename_atomic(tmp_dir.string(), final_dir.string());
    tmp_unregister(tmp_dir.string());

    // point "latest" at it (write + rename), then drop all but the newest --keep-checkpoints
    const std::string latest = (fs::path(o.checkpoint_dir) / "latest").string();
    const std::string latest_tmp = latest + ".tmp";
    FILE * f = open_for_write(latest_tmp);
    write_all(f, name.data(), name.size(), latest_tmp);
    close_synced(f, latest_tmp);
    rename_atomic(latest_tmp, latest);
    std::vector<std::string> kept;
    for (const auto & e : fs::directory_iterator(o.checkpoint_dir, ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("step-", 0) == 0) {
            kept.push_back(n);
        }
    }
    std::sort(kept.begin(), kept.end()); // zero-padded step numbers: name order is step order
    for (size_t i = 0; i + (size_t) o.keep_checkpoints < kept.size(); ++i) {
        if (kept[i] != name) {
            fs::remove_all(fs::path(o.checkpoint_dir) / kept[i], ec);
        }
    }
    return final_dir.string();
}

//
// main
//

static int run_training(int argc, char ** argv) {
    tt_run run;
    g_run = &run;
    run.opt = parse_args(argc, argv);
    tt_options & o = run.opt;

    // graceful stop: signals and "stop" on stdin (a stop during loading stops before the first step)
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::thread([]() {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') { line.pop_back(); }
            if (line == "stop") {
                g_stop_requested = true;
                break;
            }
        }
    }).detach();


    // output directory must be writable before anything expensive happens
    {
        const fs::path out_dir = fs::absolute(fs::path(o.out)).parent_path();
        std::error_code ec;
        if (!fs::is_directory(out_dir, ec)) {
            TT_FAIL(TT_IO, "output directory '%s' does not exist", out_dir.string().c_str());
        }
        const std::string probe = tmp_name_for(o.out) + ".probe";
        FILE * f = fopen(probe.c_str(), "wb");
        if (!f) {
            TT_FAIL(TT_IO, "output directory '%s' is not writable: %s", out_dir.string().c_str(), strerror(errno));
        }
        fclose(f);
        fs::remove(probe, ec);
    }

    // data first: structural errors are found without loading the model
    const ttds train_ds = load_ttds(o.data, "training");
    ttds val_ds;
    const bool has_val = !o.val.empty();
    if (has_val) {
        val_ds = load_ttds(o.val, "validation");
    }
    if (train_ds.n_samples() == 0 || train_ds.tokens.empty()) {
        TT_FAIL(TT_NO_TRAIN_TOKENS, "training dataset '%s' has no samples", o.data.c_str());
    }

    // checkpoint to resume from
    std::string resume_dir;
    if (o.resume) {
        resume_dir = ckpt_latest(o.checkpoint_dir);
        if (resume_dir.empty()) {
            TT_FAIL(TT_CHECKPOINT, "--resume: no checkpoint in '%s'", o.checkpoint_dir.c_str());
        }
        fprintf(stderr, "%s: resuming from %s\n", __func__, resume_dir.c_str());
    }

    // model
    llama_backend_init();
    std::string model_path = o.model;
    if (o.full && !resume_dir.empty()) {
        model_path = (fs::path(resume_dir) / "model.gguf").string();
    }
    const bool has_bf16 = precheck_model(model_path, o.full);
    if (has_bf16) {
        fprintf(stderr, "%s: model has BF16 tensors: upcasting them to F32 (ggml has no BF16 backward)\n", __func__);
        model_path = upcast_bf16_model(model_path, fs::absolute(fs::path(o.out)).parent_path().string());
    }
    // --full writes its model with the key/values and tensor order of the file it loads (the base, its F32 copy or
    // the checkpoint's model); read now, the F32 copy of a BF16 base is deleted right after loading
    gguf_context_ptr base_kv;
    if (o.full) {
        gguf_init_params gp = { /*.no_alloc =*/ true, /*.ctx =*/ nullptr };
        base_kv.reset(gguf_init_from_file(model_path.c_str(), gp));
        if (!base_kv) {
            TT_FAIL(TT_MODEL, "cannot read the metadata of '%s'", model_path.c_str());
        }
    }
    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers    = o.gpu_layers < 0 ? 999 : o.gpu_layers;
    // full training writes into the weights, and the upcast temp file is deleted right after loading
    mp.load_mode       = (!o.full && !has_bf16) ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
    mp.lazy_mode       = LLAMA_LAZY_MODE_OFF;
    mp.use_extra_bufts = false;                // repacked CPU weights have no OUT_PROD
    llama_model * model = llama_model_load_from_file(model_path.c_str(), mp);
    if (has_bf16) {
        std::error_code ec;
        fs::remove(model_path, ec);
        tmp_unregister(model_path);
    }
    if (!model) {
        const std::string tail = log_tail_text();
        if (looks_like_oom(tail)) {
            TT_FAIL(TT_OOM, "out of memory while loading the model: '%s' does not fit in the memory that is free; "
                "train a smaller base or a smaller copy of it (F16 or Q8_0 instead of F32), or offload fewer layers (--gpu-layers)", model_path.c_str());
        }
        TT_FAIL(TT_MODEL, "llama.cpp could not load '%s' (unsupported architecture, corrupt or truncated file; see the log above)", model_path.c_str());
    }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const uint64_t model_hash = vocab_fnv1a(vocab);
    check_vocab(train_ds, vocab, model_hash, "training");
    if (has_val) {
        check_vocab(val_ds, vocab, model_hash, "validation");
    }
    const std::string arch = model_arch(model);

    // windows
    int32_t pad = llama_vocab_pad(vocab);
    if (pad < 0) { pad = llama_vocab_eos(vocab); }
    if (pad < 0) { pad = 0; }
    const tt_windows win = pack_windows(train_ds, o.ctx, o.overlong == "drop", pad);
    if (win.size() == 0 || win.total_trained == 0) {
        TT_FAIL(TT_NO_TRAIN_TOKENS, "training dataset '%s' has no target token (mask is all 0%s): nothing to train",
            o.data.c_str(), win.dropped_samples ? ", or every sample with targets is longer than --ctx and --overlong is drop" : "");
    }
    tt_windows val_win;
    if (has_val) {
        val_win = pack_windows(val_ds, o.ctx, o.overlong == "drop", pad);
    }
    fprintf(stderr, "%s: %zu samples -> %zu windows of %u tokens, %" PRId64 " target tokens (%" PRId64 " truncated, %" PRId64 " dropped, %" PRId64 " without targets)\n",
        __func__, train_ds.n_samples(), win.size(), o.ctx, win.total_trained, win.truncated_samples, win.dropped_samples, win.empty_samples);

    run.steps_per_window = o.ctx / o.batch;
    run.opt_period       = (int32_t) (o.batch / o.ubatch);
    const int64_t steps_per_epoch = (int64_t) win.size() * run.steps_per_window;
    // --max-steps is rounded up to whole windows (a window's steps always run together), also without --epochs:
    // otherwise the schedule would reach its end (lr 0 with cosine) inside the last window
    const int64_t max_steps_whole = ((o.max_steps + run.steps_per_window - 1)/run.steps_per_window)*run.steps_per_window;
    run.total_steps = o.epochs > 0 ? o.epochs * steps_per_epoch : max_steps_whole;
    if (o.max_steps > 0) {
        run.total_steps = std::min(run.total_steps, max_steps_whole);
    }
    const std::string fingerprint = fingerprint_of(o, train_ds, win.size());

    // checkpoint state
    std::mt19937_64 rng(o.seed);
    std::vector<tt_saved_param> saved_params;
    if (!resume_dir.empty()) {
        read_state_file((fs::path(resume_dir) / "state.bin").string(), fingerprint, run.st, saved_params);
        std::istringstream rs(run.st.rng_state);
        rs >> rng;
        if (rs.fail()) {
            TT_FAIL(TT_CHECKPOINT, "checkpoint '%s' has an unreadable RNG state", resume_dir.c_str());
        }
        if (run.st.order.size() != win.size()) {
            TT_FAIL(TT_CHECKPOINT, "checkpoint '%s' has a data order for %zu windows, the data has %zu", resume_dir.c_str(), run.st.order.size(), win.size());
        }
        run.pending_state    = std::move(saved_params);
        run.pending_restored = false;
    }

    // LoRA adapter: initial (or checkpointed) A/B loaded through llama.cpp's adapter path
    llama_adapter_lora * adapter = nullptr;
    std::vector<ggml_tensor *> trainable;
    if (!o.full) {
        const std::vector<lora_target> targets = find_lora_targets(model, o.targets);
        if (targets.empty()) {
            TT_FAIL(TT_USAGE, "no weight of this model matches --targets (tied output embeddings have no output.weight)");
        }
        std::string init_path;
        if (!resume_dir.empty()) {
            init_path = (fs::path(resume_dir) / "adapter.gguf").string();
        } else if (!o.init_adapter.empty()) {
            init_path = o.init_adapter;
        } else {
            init_path = tmp_name_for(o.out) + ".init.gguf";
            tmp_register(init_path);
            write_init_adapter(init_path, arch, o.alpha, o.rank, o.init_scale, targets, rng);
        }
        adapter = llama_adapter_lora_init(model, init_path.c_str());
        if (resume_dir.empty() && o.init_adapter.empty()) {
            std::error_code ec;
            fs::remove(init_path, ec);
            tmp_unregister(init_path);
        }
        if (!adapter) {
            const std::string tail = log_tail_text();
            if (looks_like_oom(tail)) {
                TT_FAIL(TT_OOM, "%s", oom_hint());
            }
            if (!resume_dir.empty()) {
                TT_FAIL(TT_CHECKPOINT, "could not load the LoRA adapter '%s'", init_path.c_str());
            }
            if (!o.init_adapter.empty()) {
                TT_FAIL(TT_USAGE, "--init-adapter: '%s' is not a LoRA adapter for this model (see the log above)", init_path.c_str());
            }
            TT_FAIL(TT_INTERNAL, "could not load the LoRA adapter '%s'", init_path.c_str());
        }
        if (!o.init_adapter.empty() && resume_dir.empty()) {
            check_init_adapter(adapter, targets, o);
        }
        trainable = adapter_tensors(adapter);
        for (ggml_tensor * t : trainable) {
            ggml_set_param(t);
        }
        int64_t n_params = 0;
        for (ggml_tensor * t : trainable) { n_params += ggml_nelements(t); }
        fprintf(stderr, "%s: LoRA rank %d alpha %.1f on %zu weights, %.2fM trainable parameters\n",
            __func__, o.rank, o.alpha, targets.size(), n_params/1e6);
    }

    // context
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx           = o.ctx;
    cp.n_batch         = o.batch;
    cp.n_ubatch        = o.ubatch;
    // one sequence per packed sample, in one unified KV cache (see pack_windows)
    cp.n_seq_max       = (uint32_t) std::max(win.max_samples_per_window, val_win.max_samples_per_window);
    cp.kv_unified      = true;
    cp.n_threads       = o.threads;
    cp.n_threads_batch = o.threads;
    cp.type_k          = GGML_TYPE_F32;
    cp.type_v          = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.no_perf         = true;
    llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) {
        const std::string tail = log_tail_text();
        if (looks_like_oom(tail)) {
            TT_FAIL(TT_OOM, "%s", oom_hint());
        }
        TT_FAIL(TT_INTERNAL, "could not create the llama context (see the log above)");
    }
    if (adapter) {
        float scale = 1.0f;
        if (llama_set_adapters_lora(ctx, &adapter, 1, &scale) != 0) {
            TT_FAIL(TT_INTERNAL, "could not attach the LoRA adapter");
        }
    }

    // llama.cpp hands --threads to the CPU backend only inside llama_decode; the training path computes through
    // ggml-opt directly and would run with ggml's default thread count (4, spinning on fewer cores). One
    // one-token decode applies the setting; the memory is cleared again by every training window.
    {
        llama_token t0 = win.tokens[0];
        if (llama_decode(ctx, llama_batch_get_one(&t0, 1)) != 0) {
            TT_FAIL(TT_INTERNAL, "warm-up decode failed");
        }
        llama_memory_clear(llama_get_memory(ctx), true);
    }

    llama_opt_params lopt = {};
    lopt.n_ctx_train     = o.ctx;
    lopt.param_filter    = o.full ? param_filter_all : param_filter_none;
    lopt.param_filter_ud = nullptr;
    lopt.get_opt_pars    = get_opt_pars;
    lopt.get_opt_pars_ud = nullptr;
    lopt.optimizer_type  = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
    llama_opt_init(ctx, model, lopt);
    // logits only at target positions: masked positions never reach the loss (patch 0007), and skip the vocabulary
    // projection, its backward and the softmax
    ctx->opt_sparse_logits = true;
    ggml_opt_context_t opt_ctx = ctx->get_opt_ctx();
    ggml_opt_set_state_alloc_callback(opt_ctx, on_opt_state_alloc, nullptr);
    if (!resume_dir.empty()) {
        ggml_opt_set_iter(opt_ctx, run.st.opt_iter);
    }
    if (o.full) {
        for (const auto & it : llama_internal_get_tensor_map(model)) {
            if (it.second->flags & GGML_TENSOR_FLAG_PARAM) {
                trainable.push_back(it.second);
            }
        }
        if (trainable.empty()) {
            TT_FAIL(TT_MODEL, "--full: the model has no F32 weights to train (quantized or F16 bases need LoRA)");
        }
        int64_t n_params = 0;
        for (ggml_tensor * t : trainable) { n_params += ggml_nelements(t); }
        fprintf(stderr, "%s: full fine-tune of %zu tensors, %.2fM trainable parameters\n", __func__, trainable.size(), n_params/1e6);
    }

    emit(json_obj().s("type", "start")
        .s("mode", o.full ? "full" : "lora")
        .s("model", o.model).s("arch", arch)
        .i("n_samples", (int64_t) train_ds.n_samples()).i("n_windows", (int64_t) win.size())
        .i("train_tokens_per_epoch", win.total_trained)
        .i("steps_per_epoch", steps_per_epoch).i("total_steps", run.total_steps)
        .i("start_step", run.st.step).b("resumed", !resume_dir.empty())
        .i("ctx", o.ctx).i("batch", o.batch).i("ubatch", o.ubatch)
        .i("rank", o.full ? 0 : o.rank).n("alpha", o.full ? 0.0 : o.alpha)
        .i("dropped_samples", win.dropped_samples).i("truncated_samples", win.truncated_samples)
        .i("threads", o.threads));

    llama_batch batch = llama_batch_init((int32_t) o.batch, 0, 1);
    std::vector<int32_t> tok(o.ctx), lab(o.ctx);
    const auto t_start = std::chrono::steady_clock::now();
    int64_t steps_this_run = 0, tokens_this_run = 0;
    int64_t last_ckpt_step = run.st.step;
    double last_loss = NAN, last_val = NAN;
    bool stopped = false;
    std::string last_ckpt_path;

    auto elapsed_s = [&]() {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    };
    auto checkpoint = [&]() {
        last_ckpt_path = save_checkpoint(run, ctx, model, arch, trainable, fingerprint, base_kv.get(), rng);
        last_ckpt_step = run.st.step;
        emit(json_obj().s("type", "checkpoint").s("path", last_ckpt_path).i("step", run.st.step));
    };

    bool resumed_mid_epoch = !resume_dir.empty();
    for (; o.epochs < 0 || run.st.epoch < o.epochs; ) {
        if (!resumed_mid_epoch) {
            run.st.order.resize(win.size());
            for (size_t i = 0; i < win.size(); ++i) { run.st.order[i] = (uint32_t) i; }
            if (o.shuffle) {
                for (size_t i = win.size(); i > 1; --i) {
                    std::uniform_int_distribution<size_t> d(0, i - 1);
                    std::swap(run.st.order[i - 1], run.st.order[d(rng)]);
                }
            }
            run.st.next_window = 0;
        }
        resumed_mid_epoch = false;

        for (; run.st.next_window < (int64_t) win.size(); ) {
            if (g_stop_requested) {
                stopped = true;
                break;
            }
            if (run.st.step >= run.total_steps) {
                break;
            }
            const size_t wi = run.st.order[run.st.next_window];
            std::copy_n(win.tokens.begin() + wi*o.ctx, o.ctx, tok.begin());
            std::copy_n(win.labels.begin() + wi*o.ctx, o.ctx, lab.begin());
            ctx->opt_seq_ids.assign(win.seq_ids.begin() + wi*o.ctx, win.seq_ids.begin() + (wi + 1)*o.ctx);
            set_label_weights(run, ctx, lab.data(), /*for_sum =*/ false);

            run.window_step_losses.clear();
            run.window_step_lrs.clear();
            run.step_loss_acc  = 0.0;
            run.ubatch_in_step = 0;
            const auto t0 = std::chrono::steady_clock::now();
            ctx->opt_epoch_iter(nullptr, nullptr, tok, lab, batch, on_opt_eval, /*train =*/ true, 0, 0, ggml_time_us());
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (!run.restore_error.empty()) {
                TT_FAIL(TT_CHECKPOINT, "%s", run.restore_error.c_str());
            }
            run.st.next_window++;
            run.st.trained_tokens += win.n_trained[wi];
            steps_this_run  += (int64_t) run.window_step_losses.size();
            tokens_this_run += o.ctx;

            for (size_t k = 0; k < run.window_step_losses.size(); ++k) {
                const double l = run.window_step_losses[k];
                if (!std::isfinite(l) && !(k < run.window_step_k.size() && run.window_step_k[k] == 0)) {
                    TT_FAIL(TT_DIVERGED, "the loss became %s at step %" PRId64 ": lower --lr (now %g) or check the data", std::isnan(l) ? "NaN" : "infinite", run.st.step, o.lr);
                }
            }

            const bool epoch_end = run.st.next_window == (int64_t) win.size();
            const bool val_due = has_val && val_win.size() > 0 &&
                ((o.val_every > 0 && run.st.step % o.val_every < run.steps_per_window) ||
                 (o.val_every == 0 && epoch_end) || run.st.step >= run.total_steps);
            double val_loss = NAN;
            if (val_due) {
                val_loss = run_validation(run, ctx, val_win, batch);
                last_val = val_loss;
            }

            const double el = elapsed_s();
            const double tps = el > 0 ? tokens_this_run/el : 0.0;
            const double step_s = steps_this_run > 0 ? el/steps_this_run : 0.0;
            for (size_t k = 0; k < run.window_step_losses.size(); ++k) {
                const int64_t step = run.st.step - (int64_t) run.window_step_losses.size() + (int64_t) k + 1;
                const double loss = run.window_step_losses[k];
                if (std::isfinite(loss)) {
                    last_loss = loss;
                }
                json_obj j;
                j.s("type", "progress").i("step", step).i("total_steps", run.total_steps)
                 .n("epoch", run.st.epoch + (double) run.st.next_window/(double) win.size())
                 .n("loss", loss);
                if (k + 1 == run.window_step_losses.size() && val_due) {
                    j.n("val_loss", val_loss);
                }
                j.n("lr", run.window_step_lrs[k]).n("tokens_per_s", tps)
                 .n("eta_s", step_s*(double) (run.total_steps - run.st.step))
                 .n("step_s", dt/(double) run.window_step_losses.size())
                 .i("mem_bytes", mem_bytes());
                emit(j);
            }

            if (o.checkpoint_every > 0 && run.st.step - last_ckpt_step >= o.checkpoint_every && run.st.step < run.total_steps) {
                checkpoint();
            }
        }
        if (stopped || run.st.step >= run.total_steps) {
            break;
        }
        run.st.epoch++;
    }

    if (stopped) {
        fprintf(stderr, "%s: stop requested at step %" PRId64 ", writing a checkpoint\n", __func__, run.st.step);
        checkpoint();
        emit(json_obj().s("type", "stopped").i("step", run.st.step).s("checkpoint", last_ckpt_path)
            .n("loss", last_loss).n("elapsed_s", elapsed_s()));
    } else {
        std::map<std::string, std::string> meta = {
            {"tooltune.trainer", "tooltune-train 1"},
            {"tooltune.steps", std::to_string(run.st.step)},
            {"tooltune.targets", [&]() { std::string s; for (auto & t : o.targets) { s += (s.empty() ? "" : ",") + t; } return s; }()},
        };
        if (o.full) {
            save_full_model(o.out, model, base_kv.get());
        } else {
            save_adapter(o.out, arch, o.alpha, trainable, meta);
        }
        const double el = elapsed_s();
        emit(json_obj().s("type", "done").s(o.full ? "model" : "adapter", o.out).s("output", o.out)
            .i("steps", run.st.step).i("epochs", run.st.epoch + (run.st.next_window > 0 ? 1 : 0))
            .i("train_tokens", run.st.trained_tokens)
            .i("dropped_samples", win.dropped_samples).i("truncated_samples", win.truncated_samples)
            .i("samples_without_targets", win.empty_samples)
            .n("loss", last_loss).n("val_loss", last_val)
            .n("elapsed_s", el).n("tokens_per_s", el > 0 ? tokens_this_run/el : 0.0));
    }

    llama_batch_free(batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return TT_OK;
}

int main(int argc, char ** argv) {
    ggml_set_abort_callback(on_ggml_abort);
    llama_log_set(on_log, nullptr);
    int code = TT_OK;
    std::string message;
    try {
        code = run_training(argc, argv);
    } catch (const tt_error & e) {
        code = e.code;
        message = e.what();
    } catch (const std::bad_alloc &) {
        code = TT_OOM;
        message = oom_hint();
        fprintf(stderr, "%s: error: %s\n", __func__, message.c_str());
    } catch (const std::exception & e) {
        code = looks_like_oom(e.what()) ? TT_OOM : TT_INTERNAL;
        message = code == TT_OOM ? std::string(oom_hint()) + " (" + e.what() + ")" : e.what();
        fprintf(stderr, "%s: error: %s\n", __func__, message.c_str());
    }
    if (code != TT_OK) {
        tmp_cleanup_all();
        emit(json_obj().s("type", "error").s("code", tt_exit_name(code)).i("exit_code", code).s("message", message));
    }
    fflush(stderr);
    // the stdin reader thread may still block in getline: leave without joining it
    _Exit(code);
}
