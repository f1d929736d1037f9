// The trained tensors and the files they go to: LoRA targets, a new adapter, the adapter or full model a run writes,
// and the checks of a base before llama.cpp loads it.
#pragma once

#include "gguf.h"
#include "llama.h"
#include "options.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

struct ggml_tensor;
struct llama_adapter_lora;

struct lora_target {
    std::string   name;   // base weight name, e.g. blk.0.attn_q.weight
    int64_t       n_in  = 0;
    int64_t       n_out = 0;
};

// the 2-D weights the --targets modules name, sorted by name
std::vector<lora_target> find_lora_targets(const llama_model * model, const std::vector<std::string> & modules);
std::string model_arch(const llama_model * model);
// adapter GGUF from host tensors; kv: general.type=adapter, adapter.type=lora, adapter.lora.alpha, general.architecture
void save_adapter_host(const std::string & path, const std::string & arch, float alpha,
                       const std::vector<ggml_tensor *> & tensors, const std::map<std::string, std::string> & extra);
// initial adapter: A ~ N(0, init_scale), B = 0
void write_init_adapter(const std::string & path, const std::string & arch, float alpha, int32_t rank,
                        float init_scale, const std::vector<lora_target> & targets, std::mt19937_64 & rng);
// the adapter's A and B tensors, sorted by name
std::vector<ggml_tensor *> adapter_tensors(llama_adapter_lora * adapter);
// an --init-adapter must be the adapter this run would create (TT_FAIL with TT_USAGE naming the difference)
void check_init_adapter(const llama_adapter_lora * adapter, const std::vector<lora_target> & targets, const tt_options & o);
// copy device tensors to host and write the adapter atomically
void save_adapter(const std::string & path, const std::string & arch, float alpha,
                  const std::vector<ggml_tensor *> & dev_tensors, const std::map<std::string, std::string> & extra);
// --full: the base's key/values and tensor order with the trained weights
void save_full_model(const std::string & path, const llama_model * model, const gguf_context * base_kv);
// BF16 tensors upcast to F32 into a temporary GGUF (ggml has no BF16 backward); returns its path
std::string upcast_bf16_model(const std::string & path, const std::string & tmp_dir);
// the GGUF is readable and holds only tensor types that train; true when it has BF16 tensors
bool precheck_model(const std::string & path, bool full);
