#include "common.h"
#include "adapter.h"

#include <map>
#include "files.h"
#include "llama_internals.h"

#include <random>

//
// LoRA adapter tensors
//


std::vector<lora_target> find_lora_targets(const llama_model * model, const std::vector<std::string> & modules) {
    std::vector<lora_target> out;
    for (const auto & it : tt_model_tensors(model)) {
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

std::string model_arch(const llama_model * model) {
    char buf[256] = {0};
    if (llama_model_meta_val_str(model, "general.architecture", buf, sizeof(buf)) < 0) {
        TT_FAIL(TT_MODEL, "model has no general.architecture");
    }
    return buf;
}

// adapter GGUF from host tensors; kv: general.type=adapter, adapter.type=lora, adapter.lora.alpha, general.architecture
void save_adapter_host(const std::string & path, const std::string & arch, float alpha,
                              const std::vector<ggml_tensor *> & tensors, const std::map<std::string, std::string> & extra) {
    gguf_context_ptr owner(gguf_init_empty());
    gguf_context * g = owner.get();
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
    write_gguf(g, tensors, path);
}

// initial adapter: A ~ N(0, init_scale), B = 0
void write_init_adapter(const std::string & path, const std::string & arch, float alpha, int32_t rank,
                               float init_scale, const std::vector<lora_target> & targets, std::mt19937_64 & rng) {
    size_t size = 0;
    for (const auto & t : targets) {
        size += 2*ggml_tensor_overhead() + (size_t) (t.n_in + t.n_out)*rank*sizeof(float) + 64;
    }
    ggml_init_params ip = { size + 1024*1024, nullptr, false };
    ggml_context_ptr owner(ggml_init(ip));
    ggml_context * ctx = owner.get();
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
    save_adapter_host(path, arch, alpha, tensors, {});
}

// trainable tensors of the run: adapter A/B (LoRA) or the model weights marked as params (--full)
std::vector<ggml_tensor *> adapter_tensors(llama_adapter_lora * adapter) {
    std::vector<std::pair<std::string, ggml_tensor *>> named;
    for (const auto & w : tt_adapter_weights(adapter)) {
        named.emplace_back(std::string(w.a->name), w.a);
        named.emplace_back(std::string(w.b->name), w.b);
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
void check_init_adapter(const llama_adapter_lora * adapter, const std::vector<lora_target> & targets, const tt_options & o) {
    const char * path = o.init_adapter.c_str();
    const float alpha = tt_adapter_alpha(adapter);
    if (std::fabs(alpha - o.alpha) > 1e-6f * std::max(1.0f, std::fabs(o.alpha))) {
        TT_FAIL(TT_USAGE, "--init-adapter '%s' has alpha %g, this run --alpha %g", path, alpha, o.alpha);
    }
    const std::vector<tt_lora_weight> weights = tt_adapter_weights(adapter);
    if (weights.size() != targets.size()) {
        TT_FAIL(TT_USAGE, "--init-adapter '%s' adapts %zu weights, --targets select %zu", path, weights.size(), targets.size());
    }
    for (const auto & t : targets) {
        const auto it = std::find_if(weights.begin(), weights.end(), [&](const tt_lora_weight & w) { return w.name == t.name; });
        if (it == weights.end()) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s' has no LoRA for '%s' (check --targets)", path, t.name.c_str());
        }
        const ggml_tensor * a = it->a;
        const ggml_tensor * b = it->b;
        if (a->ne[0] != t.n_in || a->ne[1] != o.rank || b->ne[0] != o.rank || b->ne[1] != t.n_out) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s': the LoRA of '%s' has rank %" PRId64 ", --rank is %d", path, t.name.c_str(), a->ne[1], o.rank);
        }
        if (a->type != GGML_TYPE_F32 || b->type != GGML_TYPE_F32) {
            TT_FAIL(TT_USAGE, "--init-adapter '%s': the LoRA of '%s' is not F32 (only F32 adapters train)", path, t.name.c_str());
        }
    }
}

// copy device tensors to host and write the adapter atomically
void save_adapter(const std::string & path, const std::string & arch, float alpha,
                         const std::vector<ggml_tensor *> & dev_tensors, const std::map<std::string, std::string> & extra) {
    size_t size = 1024*1024;
    for (ggml_tensor * t : dev_tensors) {
        size += ggml_tensor_overhead() + ggml_nbytes(t) + 64;
    }
    ggml_init_params ip = { size, nullptr, false };
    ggml_context_ptr owner(ggml_init(ip));
    ggml_context * ctx = owner.get();
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
        std::error_code ec;
        fs::remove(tmp, ec);
        tmp_unregister(tmp);
        throw;
    }
    tmp_unregister(tmp);
}

// --full output: the base's key/values exactly as they were (llama_model_save_to_file rebuilds the vocabulary from
// llama.cpp's parsed form, which loses token types), the base's tensor order, the trained weights
void save_full_model(const std::string & path, const llama_model * model, const gguf_context * base_kv) {
    std::map<std::string, ggml_tensor *> by_name;
    for (const auto & it : tt_model_tensors(model)) {
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

std::string upcast_bf16_model(const std::string & path, const std::string & tmp_dir) {
    ggml_context * data_raw = nullptr;
    gguf_init_params gp = { false, &data_raw };
    gguf_context_ptr src_owner(gguf_init_from_file(path.c_str(), gp));
    ggml_context_ptr data_owner(data_raw);
    gguf_context * src = src_owner.get();
    ggml_context * data_ctx = data_raw;
    if (!src) {
        TT_FAIL(TT_MODEL, "cannot read '%s' to upcast its BF16 tensors", path.c_str());
    }
    gguf_context_ptr dst_owner(gguf_init_empty());
    gguf_context * dst = dst_owner.get();
    gguf_set_kv(dst, src);
    const int64_t n = gguf_get_n_tensors(src);
    size_t size = 1024*1024;
    for (int64_t i = 0; i < n; ++i) {
        ggml_tensor * t = ggml_get_tensor(data_ctx, gguf_get_tensor_name(src, i));
        size += ggml_tensor_overhead() + (t->type == GGML_TYPE_BF16 ? ggml_nelements(t)*sizeof(float) : 0) + 64;
    }
    ggml_init_params ip = { size, nullptr, false };
    ggml_context_ptr up_owner(ggml_init(ip));
    ggml_context * up_ctx = up_owner.get();
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
    write_gguf(dst, tensors, out);
    return out;
}

// check the GGUF before llama.cpp opens it: readable, and only tensor types that can be trained through
bool precheck_model(const std::string & path, bool full) {
    ggml_context * meta = nullptr;
    gguf_init_params gp = { true, &meta };
    gguf_context_ptr owner(gguf_init_from_file(path.c_str(), gp));
    ggml_context_ptr meta_owner(meta);
    gguf_context * g = owner.get();
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
