// envcheck compares the environment variables a Cloud Run service declares with the ones a
// .env.example file documents, and reports what is missing on either side.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

type container struct {
	Env []struct {
		Name string `json:"name"`
	} `json:"env"`
}

type service struct {
	Spec struct {
		Template struct {
			Spec struct {
				Containers []container `json:"containers"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

func documented(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := map[string]bool{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "=")
		names[strings.TrimSpace(strings.TrimPrefix(name, "export "))] = true
	}
	return names, scanner.Err()
}

func deployed(name, region, project string) (map[string]bool, error) {
	out, err := exec.Command("gcloud", "run", "services", "describe", name,
		"--region", region, "--project", project, "--format", "json").Output()
	if err != nil {
		return nil, fmt.Errorf("gcloud run services describe %s: %w", name, err)
	}
	var svc service
	if err := json.Unmarshal(out, &svc); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, c := range svc.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			names[e.Name] = true
		}
	}
	return names, nil
}

func missing(want, have map[string]bool) []string {
	var out []string
	for name := range want {
		if !have[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func main() {
	envFile := flag.String("env-file", ".env.example", "documented variables")
	region := flag.String("region", "us-central1", "Cloud Run region")
	project := flag.String("project", "", "GCP project")
	flag.Parse()
	if flag.NArg() != 1 || *project == "" {
		fmt.Fprintln(os.Stderr, "usage: envcheck -project P [-region R] [-env-file F] SERVICE")
		os.Exit(2)
	}
	docs, err := documented(*envFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "envcheck:", err)
		os.Exit(1)
	}
	live, err := deployed(flag.Arg(0), *region, *project)
	if err != nil {
		fmt.Fprintln(os.Stderr, "envcheck:", err)
		os.Exit(1)
	}
	notDeployed, undocumented := missing(docs, live), missing(live, docs)
	for _, name := range notDeployed {
		fmt.Printf("documented but not deployed: %s\n", name)
	}
	for _, name := range undocumented {
		fmt.Printf("deployed but not documented: %s\n", name)
	}
	if len(notDeployed)+len(undocumented) > 0 {
		os.Exit(1)
	}
}
