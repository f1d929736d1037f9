#include "common.h"
#include "options.h"
#include "backends.h"

#include <thread>

//
// options
//


void print_usage(const char * argv0) {
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
        "  --backend NAME          auto|cuda|vulkan|metal|cpu (default auto: the first GPU backend that loads and\n"
        "                          finds a GPU, else the CPU; a GPU backend that fails falls back to the CPU)\n"
        "  --backend-dir DIR       where backend libraries (libggml-<name>[-variant].so) are looked for, in the\n"
        "                          order given (repeatable; default: the trainer's own directory)\n"
        "  --print-device          print the device line ({\"type\":\"device\",...}) for these options and exit\n"
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

std::vector<std::string> split_list(const std::string & s) {
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

tt_options parse_args(int argc, char ** argv) {
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
        else if (a == "--backend")          { o.backend = need(i); }
        else if (a == "--backend-dir")      { o.backend_dirs.push_back(need(i)); }
        else if (a == "--print-device")     { o.print_device = true; }
        else if (a == "--val-every")        { o.val_every = to_i64("--val-every", need(i)); }
        else if (a == "--checkpoint-every") { o.checkpoint_every = to_i64("--checkpoint-every", need(i)); }
        else if (a == "--keep-checkpoints") { o.keep_checkpoints = to_i64("--keep-checkpoints", need(i)); }
        else if (a == "--init-adapter")     { o.init_adapter = need(i); }
        else if (a == "--verbose")          { g_verbose = true; }
        else if (a == "-h" || a == "--help") { print_usage(argv[0]); exit(0); }
        else { TT_FAIL(TT_USAGE, "unknown option '%s' (see --help)", a.c_str()); }
    }

    if (!o.print_device && (o.model.empty() || o.data.empty() || o.out.empty())) {
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
    if (o.backend != "auto" && o.backend != "cuda" && o.backend != "vulkan" && o.backend != "metal" && o.backend != "cpu") {
        TT_FAIL(TT_USAGE, "--backend must be auto, cuda, vulkan, metal or cpu, got '%s'", o.backend.c_str());
    }
    if (o.backend_dirs.empty()) { o.backend_dirs.push_back(tt_executable_dir()); }
    if (o.full && !o.init_adapter.empty()) { TT_FAIL(TT_USAGE, "--init-adapter starts a LoRA run; --full trains the model itself"); }
    if (o.epochs == -1 && o.max_steps == 0) { o.epochs = 1; }
    if (o.threads <= 0) { o.threads = std::max(1u, std::thread::hardware_concurrency()); }
    if (o.checkpoint_dir.empty()) { o.checkpoint_dir = o.out + ".ckpt"; }
    return o;
}
