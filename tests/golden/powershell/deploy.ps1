# Deploys the service to the given environment.
param(
    [Parameter(Mandatory = $true)]
    [string]$Environment,
    [int]$Replicas = 2
)

$ErrorActionPreference = "Stop"

function Get-ImageTag {
    param([string]$Sha)
    return "registry.acme.io/orders:$Sha"
}

$tag = Get-ImageTag -Sha (git rev-parse --short HEAD)
Write-Host "Deploying $tag to $Environment"
docker build -t $tag .
docker push $tag
if ($Environment -eq "prod") {
    kubectl scale deployment/orders --replicas=$Replicas
}
foreach ($i in 1..3) {
    Start-Sleep -Seconds 5
}
