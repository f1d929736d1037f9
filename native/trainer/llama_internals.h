// Every access to llama.cpp's internals, and to the fields our patches add to them (native/patches): the one place
// to revisit on a llama.cpp upgrade. The public API cannot mark adapter tensors as parameters, drive one training
// window through the optimizer, or mask, weight and isolate the samples of a window.
#pragma once

#include "llama.h"
#include "ggml-opt.h"

#include "llama-adapter.h"
#include "llama-context.h"
#include "llama-model.h"

#include <string>
#include <utility>
#include <vector>

// the model's weights by name
inline const auto & tt_model_tensors(const llama_model * model) { return llama_internal_get_tensor_map(model); }

// a LoRA adapter's weights: base weight name -> A and B
struct tt_lora_weight { std::string name; ggml_tensor * a; ggml_tensor * b; };
inline std::vector<tt_lora_weight> tt_adapter_weights(const llama_adapter_lora * adapter) {
    std::vector<tt_lora_weight> out;
    for (const auto & it : adapter->ab_map) { out.push_back({ it.first, it.second.a, it.second.b }); }
    return out;
}
inline float tt_adapter_alpha(const llama_adapter_lora * adapter) { return adapter->alpha; }

// the optimizer llama.cpp created for training (patch 0001)
inline ggml_opt_context_t tt_opt_ctx(llama_context * ctx) { return ctx->get_opt_ctx(); }
// only positions with a label get an output row (patch 0001); masked labels need it (patch 0007)
inline void tt_set_sparse_logits(llama_context * ctx, bool on) { ctx->opt_sparse_logits = on; }
// per-position label weight, all of a micro-batch alike (patches 0001, 0007)
inline std::vector<float> & tt_label_weights(llama_context * ctx) { return ctx->opt_label_weights; }
// per-position sequence id: samples packed into one window do not see each other (patch 0004)
inline std::vector<llama_seq_id> & tt_seq_ids(llama_context * ctx) { return ctx->opt_seq_ids; }

// one window through forward, backward and (train) the optimizer, `callback` after every micro-batch
inline void tt_opt_window(llama_context * ctx, const std::vector<llama_token> & tokens, const std::vector<llama_token> & labels,
                          llama_batch & batch, ggml_opt_epoch_callback callback, bool train) {
    ctx->opt_epoch_iter(nullptr, nullptr, tokens, labels, batch, callback, train, 0, 0, ggml_time_us());
}
