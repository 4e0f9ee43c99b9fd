// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC20
/// @notice A plain EIP-20 token for the benchmark workloads.
/// @dev The workloads deploy the runtime code straight into a block's
/// pre-state and lay out its storage by hand, so the layout is part of the
/// contract's interface and must not move:
///   slot 0: balanceOf   (mapping: keccak256(pad32(holder) . pad32(0)))
///   slot 1: allowance   (mapping of mappings: keccak256(pad32(spender) . keccak256(pad32(owner) . pad32(1))))
///   slot 2: totalSupply
/// No constructor state and no immutables: a constructor never runs.
contract ERC20 {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    string public constant name = "Multilane Bench Token";
    string public constant symbol = "MLB";
    uint8 public constant decimals = 18;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @dev Lets a test chain mint without a pre-state; workloads write slots instead.
    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        totalSupply = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @dev An allowance of type(uint256).max is never decreased (the common
    /// "infinite approval" of wallets and routers).
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= value, "ERC20: allowance");
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) private {
        require(to != address(0), "ERC20: to zero");
        uint256 fromBalance = balanceOf[from];
        require(fromBalance >= value, "ERC20: balance");
        unchecked {
            balanceOf[from] = fromBalance - value;
        }
        // Cannot overflow: the sum of all balances is totalSupply.
        unchecked {
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
