// tooltune-train: LoRA (or full) fine-tuning of a GGUF model on a TTDS v1 token dataset with llama.cpp/ggml-opt.
//
// One JSON object per line on stdout (machine-readable progress), human logs on stderr.
// See native/README.md for the dataset format, the flags, the checkpoint layout and the exit codes.
// This file is the training session; the modules beside it do one job each (options, dataset, adapter, checkpoint,
// schedule, backends, protocol, errors), and llama_internals.h holds every access to llama.cpp's internals.

#include "common.h"
#include "llama-cpp.h"
#include "adapter.h"
#include "backends.h"
#include "checkpoint.h"
#include "dataset.h"
#include "files.h"
#include "llama_internals.h"
#include "options.h"
#include "protocol.h"
#include "schedule.h"

#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

// The device fields of the start line (and of --print-device's one line).
static json_obj device_event(json_obj o, const tt_device & d) {
    o.s("backend", d.backend).s("device", d.name).s("device_description", d.description)
        .i("device_memory", (int64_t) d.memory_total).s("device_fallback", d.fallback);
    return o;
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

// ggml-opt's per-micro-batch callback (on_opt_eval) has no user data: the one place that needs the run as a global
static tt_run * g_run = nullptr;

static ggml_opt_optimizer_params get_opt_pars(void * ud) {
    tt_run & r = *static_cast<tt_run *>(ud);
    ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
    const tt_options & o = r.opt;
    r.cur_lr = lr_at(o, r.st.step, r.total_steps);
    p.adamw.alpha = r.cur_lr;
    p.adamw.beta1 = o.beta1;
    p.adamw.beta2 = o.beta2;
    p.adamw.eps   = o.eps;
    p.adamw.wd    = o.weight_decay;
    p.sgd.alpha   = r.cur_lr;
    p.sgd.wd      = o.weight_decay;
    return p;
}

static bool param_filter_none(const ggml_tensor *, void *) { return false; }
static bool param_filter_all(const ggml_tensor *, void *)  { return true; }

static void on_opt_state_alloc(ggml_opt_context_t opt_ctx, void * ud) {
    tt_run & r = *static_cast<tt_run *>(ud);
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
    tt_label_weights(ctx).assign(n_ctx, 0.0f);
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
                tt_label_weights(ctx)[p] = w;
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
        tt_seq_ids(ctx).assign(val.seq_ids.begin() + wi*r.opt.ctx, val.seq_ids.begin() + (wi + 1)*r.opt.ctx);
        set_label_weights(r, ctx, lab.data(), /*for_sum =*/ true);
        r.step_loss_acc = 0.0;
        tt_opt_window(ctx, tok, lab, batch, on_opt_eval, /*train =*/ false);
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
    r.st.opt_iter  = ggml_opt_get_iter(tt_opt_ctx(ctx));

    if (o.full) {
        save_full_model((tmp_dir / "model.gguf").string(), model, base_kv);
    } else {
        save_adapter((tmp_dir / "adapter.gguf").string(), arch, o.alpha, trainable, {});
    }
    write_state_file((tmp_dir / "state.bin").string(), fingerprint, r.st, read_opt_state(tt_opt_ctx(ctx)));

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

    // backends: ours beside the trainer or node-llama-cpp's prebuilt ones, loaded now (see backends.h)
    tt_device device;
    try {
        device = tt_load_backends(o.backend, o.backend_dirs);
    } catch (const std::exception & e) {
        TT_FAIL(TT_INTERNAL, "%s", e.what());
    }
    if (!device.fallback.empty()) {
        fprintf(stderr, "%s: training on the CPU: %s\n", __func__, device.fallback.c_str());
    }
    if (o.print_device) {
        emit(device_event(json_obj().s("type", "device"), device));
        return TT_OK;
    }
    fprintf(stderr, "%s: device %s (%s, %s) from %s\n", __func__, device.name.c_str(), device.backend.c_str(), device.description.c_str(), device.directory.c_str());


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
    // the chosen GPU alone, or no GPU at all: llama.cpp would otherwise use every device the registry holds
    ggml_backend_dev_t model_devices[] = { device.gpu, nullptr };
    mp.devices         = model_devices;
    mp.n_gpu_layers    = device.gpu == nullptr ? 0 : (o.gpu_layers < 0 ? 999 : o.gpu_layers);
    // full training writes into the weights, and the upcast temp file is deleted right after loading
    mp.load_mode       = (!o.full && !has_bf16) ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
    mp.lazy_mode       = LLAMA_LAZY_MODE_OFF;
    mp.use_extra_bufts = false;                // repacked CPU weights have no OUT_PROD
    // owned handles: every exit path (a TT_FAIL throws) frees the context before the model
    llama_model_ptr model_owner(llama_model_load_from_file(model_path.c_str(), mp));
    llama_model * model = model_owner.get();
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
    llama_context_ptr ctx_owner(llama_init_from_model(model, cp));
    llama_context * ctx = ctx_owner.get();
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
    lopt.get_opt_pars_ud = &run;
    lopt.optimizer_type  = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
    llama_opt_init(ctx, model, lopt);
    // logits only at target positions: masked positions never reach the loss (patch 0007), and skip the vocabulary
    // projection, its backward and the softmax
    tt_set_sparse_logits(ctx, true);
    ggml_opt_context_t opt_ctx = tt_opt_ctx(ctx);
    ggml_opt_set_state_alloc_callback(opt_ctx, on_opt_state_alloc, &run);
    if (!resume_dir.empty()) {
        ggml_opt_set_iter(opt_ctx, run.st.opt_iter);
    }
    if (o.full) {
        for (const auto & it : tt_model_tensors(model)) {
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

    emit(device_event(json_obj().s("type", "start"), device)
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

    struct owned_batch {
        llama_batch b;
        ~owned_batch() { llama_batch_free(b); }
    } batch_owner { llama_batch_init((int32_t) o.batch, 0, 1) };
    llama_batch & batch = batch_owner.b;
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
            tt_seq_ids(ctx).assign(win.seq_ids.begin() + wi*o.ctx, win.seq_ids.begin() + (wi + 1)*o.ctx);
            set_label_weights(run, ctx, lab.data(), /*for_sum =*/ false);

            run.window_step_losses.clear();
            run.window_step_lrs.clear();
            run.step_loss_acc  = 0.0;
            run.ubatch_in_step = 0;
            const auto t0 = std::chrono::steady_clock::now();
            tt_opt_window(ctx, tok, lab, batch, on_opt_eval, /*train =*/ true);
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
