// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Counter
/// @notice The `chain` workload: every call reads what the previous call
/// wrote, so no two transactions of the block can run in parallel.
/// @dev Storage: slot 0 holds `count`.
contract Counter {
    uint256 public count;

    event Incremented(uint256 count);

    /// Fails unless the counter equals `expected`, then increments it.
    function increment(uint256 expected) external returns (uint256) {
        uint256 current = count;
        require(current == expected, "Counter: unexpected value");
        unchecked {
            count = current + 1;
        }
        emit Incremented(current + 1);
        return current + 1;
    }
}
