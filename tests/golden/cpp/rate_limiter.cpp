// A token-bucket rate limiter.
#include <chrono>
#include <mutex>
#include <string>

namespace acme {

class RateLimiter {
public:
    RateLimiter(double rate, double burst) : rate_(rate), tokens_(burst), burst_(burst) {}

    bool allow(const std::string& key) {
        std::lock_guard<std::mutex> lock(mu_);
        refill();
        if (tokens_ < 1.0) {
            return false;
        }
        tokens_ -= 1.0;
        return true;
    }

private:
    void refill() {
        auto now = std::chrono::steady_clock::now();
        tokens_ = std::min(burst_, tokens_ + rate_ * 0.001);
    }

    double rate_, tokens_, burst_;
    std::mutex mu_;
};

template <typename T>
T clamp(T v, T lo, T hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace acme
