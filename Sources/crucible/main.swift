print("crucible")
