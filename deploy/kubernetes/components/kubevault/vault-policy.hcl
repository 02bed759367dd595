# The Vault policy of role `dash`: decrypt with the transit key `dash`, nothing else.
#   vault policy write dash deploy/kubernetes/components/kubevault/vault-policy.hcl
path "transit/decrypt/dash" {
  capabilities = ["update"]
}
