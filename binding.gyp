{
  "targets": [
    {
      "target_name": "cachectl_native",
      "sources": ["native/addon.c", "native/readdir.c", "native/pack.c", "native/evict.c", "native/dirwalk.c", "native/verify.c", "native/tree.c", "native/mapfile.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "cachectl_test",
      "target_conditions": [["_type=='loadable_module'", { "product_extension": "node-test" }]],
      "sources": ["native/addon.c", "native/readdir.c", "native/pack.c", "native/evict.c", "native/dirwalk.c", "native/verify.c", "native/tree.c", "native/mapfile.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8", "CACHECTL_TEST_HOOKS"]
    }
  ]
}
