// A reference to a callable, for a parameter that is only called during the
// call it is passed to: what std::function_ref (C++26) is. A std::function
// copies a lambda that captures more than two pointers to the heap, one
// malloc and one free for every repository call (ADR 0022).
//
// It must not outlive what it refers to: never store one past the call.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace strata::base {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> &&
           std::is_invocable_r_v<R, F&, Args...>) FunctionRef(F&& f)
  noexcept  // NOLINT(google-explicit-constructor): as std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* object, Args... args) -> R {
          return std::invoke(*static_cast<std::remove_reference_t<F>*>(object),
                             std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace strata::base
