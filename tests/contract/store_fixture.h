// The shared contract suite's fixture: a migrated, emptied database per test
// on each backend, and a Store opened on it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "environment.h"
#include "strata/strata.h"

namespace strata::testing {

inline Cluster Named(const std::string& name) {
  Cluster c;
  c.name = name;
  return c;
}

class StoreTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    StoreOptions o = options();
    o.auto_migrate = true;
    o.pool_size = 8;
    store_ = Store::Open(o);
  }

  Store& store() { return *store_; }

  Cluster MakeCluster(const std::string& name) {
    Cluster c;
    c.name = name;
    return store().clusters().Create(c);
  }
  Service MakeService(const std::string& cluster, const std::string& name,
                      const std::string& launch_type = "EC2") {
    Service s;
    s.cluster_arn = cluster;
    s.name = name;
    s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    s.launch_type = launch_type;
    s.desired_count = 1;
    return store().services().Create(s);
  }
  Task NewTask(const std::string& cluster, const std::string& family = "web") {
    Task t;
    t.cluster_arn = cluster;
    t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/" + family + ":3";
    t.containers = R"([{"name":"app","image":"nginx"}])";
    return t;
  }

  std::unique_ptr<Store> store_;
};

// The same, with a cluster "test-cluster" to put services and tasks in.
class ClusterStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    cluster_ = MakeCluster("test-cluster");
  }
  Cluster cluster_;
};

}  // namespace strata::testing
