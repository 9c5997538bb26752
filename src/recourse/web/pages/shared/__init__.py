"""What more than one audience's pages use, named for its capability: the words of orders,
cancellations and refunds (present_*), the cancellation and refund panels every order page
shows, the cancel form both the buyer and the seller fill in, and the stores' cancellation
metrics."""
